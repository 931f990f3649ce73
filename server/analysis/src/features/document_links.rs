//! Document links: URLs, links without a scheme, and wiki references.

use std::collections::HashMap;
use std::sync::Arc;

use super::{found, resolve};
use crate::syntax::{Inline, LinkKind};
use crate::{Analysis, Resolver, TextRange};

/// Where a document link leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// A web address (`https://` added to a link without a scheme).
    Url(String),
    /// A place in a digest: this one (`file: None`) or another, named by its
    /// path relative to this file's folder as the resolver found it. The
    /// range is the paper's heading line, or empty at the start of the text
    /// for `[[file]]`.
    Digest {
        file: Option<String>,
        range: TextRange,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    /// The link as found (`[text](url)` and `<url>` whole), or the whole
    /// `[[...]]`.
    pub range: TextRange,
    pub target: LinkTarget,
}

/// The links of a digest, in text order: every well-formed `http(s)` link
/// (malformed ones lead nowhere useful and are left out), every link without
/// a scheme (to `https://` and the link), and every wiki reference that
/// resolves. In-file references (`Paper3` in running text) are not links:
/// go to definition covers them.
pub fn document_links(analysis: &Analysis, resolver: &dyn Resolver) -> Vec<DocumentLink> {
    let mut digests: HashMap<String, Option<(String, Arc<Analysis>)>> = HashMap::new();
    let mut find = |file: &str| {
        (digests.entry(file.to_string()))
            .or_insert_with(|| found(resolver, file))
            .clone()
    };
    let mut out = Vec::new();
    let syntax = &analysis.syntax;
    let inlines =
        std::iter::once(&syntax.preamble_inline).chain(syntax.papers.iter().map(|p| &p.inline));
    for inline in inlines {
        let start = out.len();
        links(analysis, inline, &mut out);
        for reference in &inline.references {
            if !reference.wiki {
                continue;
            }
            if let Some(to) = resolve(analysis, &reference.target, &mut find) {
                out.push(DocumentLink {
                    range: reference.range,
                    target: LinkTarget::Digest {
                        file: to.file(),
                        range: to.range(),
                    },
                });
            }
        }
        out[start..].sort_by_key(|l| l.range.start);
    }
    out
}

fn links(analysis: &Analysis, inline: &Inline, out: &mut Vec<DocumentLink>) {
    for link in inline.links.iter().filter(|l| l.problem.is_none()) {
        let url = analysis.slice(link.url);
        let target = match link.kind {
            LinkKind::NoScheme => format!("https://{url}"),
            _ if has_http_scheme(&url) => url.into_owned(),
            _ => continue,
        };
        out.push(DocumentLink {
            range: link.range,
            target: LinkTarget::Url(target),
        });
    }
}

fn has_http_scheme(url: &str) -> bool {
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    lower(7).is_some_and(|s| s == "http://") || lower(8).is_some_and(|s| s == "https://")
}
