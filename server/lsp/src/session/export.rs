//! Export from the server (spec, "Export"): the request `digest/render`
//! (the text of a preview) and the command `digest.export` (a file written
//! next to the digest). Both render the document's current text, the open
//! document's or else the file's on disk, with the renderers the CLI uses
//! ([`digest_analysis::export`]) and the diagnostics the server publishes
//! ([`Session::problems`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use digest_analysis::export::{self, Export, Format};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::Uri;

use super::Session;
use crate::bibliographies::is_bib;
use crate::check::{self, Checked};
use crate::digests::{Current, Digests};
use crate::files::read_text;

/// The command of `workspace/executeCommand` that writes an export.
pub const COMMAND: &str = "digest.export";

/// A document rendered.
#[derive(Debug)]
pub struct Rendered {
    /// The version rendered (`None`: the file on disk, not open).
    pub version: Option<i32>,
    pub text: String,
    /// The digest's path (`None`: not a file, e.g. an untitled document).
    pub path: Option<PathBuf>,
}

/// The format named `name`, or the error that lists the names.
pub fn format_named(name: &str) -> Result<Format, jsonrpc::Error> {
    Format::from_name(name).ok_or_else(|| {
        jsonrpc::Error::invalid_params(format!(
            "digest-lsp: unknown export format {name:?} (expected \"markdown\", \"html\" or \"json\")"
        ))
    })
}

impl Session {
    /// `uri` rendered as `format`: the open document's current version,
    /// else the file on disk.
    pub fn render(&self, uri: &Uri, format: Format) -> Result<Rendered, jsonrpc::Error> {
        let path = file_path(uri);
        if let Some(path) = &path
            && super::is_config(Some(path))
        {
            return Err(refused(format!(
                "digest-lsp: {} is a configuration, not a digest",
                path.display()
            )));
        }
        if let Some(path) = &path
            && (is_bib(Some(path)) || self.configs.bibliographies.holds(path))
        {
            return Err(refused(format!(
                "digest-lsp: {} is a bibliography file, not a digest",
                path.display()
            )));
        }
        if self.version(uri).is_some() {
            let snapshot = self.snapshot(uri)?;
            let digests = self.digests(Some(&snapshot)).within_folders();
            let name = file_name(uri);
            let text =
                self.render_checked(&snapshot.path, &snapshot.checked, &digests, format, &name);
            return Ok(Rendered {
                version: Some(snapshot.version),
                text,
                path,
            });
        }
        let Some(path) = path else {
            return Err(refused(format!(
                "digest-lsp: {} is neither open nor a file",
                uri.as_str()
            )));
        };
        let text = read_text(&path)
            .map_err(|why| refused(format!("digest-lsp: {} {why}", path.display())))?;
        let checked = check::check_file(&path, &text, &self.configs, self);
        let current = Current {
            path: digest_analysis::workspace::normalize(&path),
            analysis: Arc::clone(&checked.analysis),
            uri: Some(uri.clone()),
            version: None,
        };
        let digests = Digests::new(self, &self.configs, Some(current)).within_folders();
        let text = self.render_checked(&path, &checked, &digests, format, &file_name(uri));
        Ok(Rendered {
            version: None,
            text,
            path: Some(path),
        })
    }

    fn render_checked(
        &self,
        path: &Path,
        checked: &Checked,
        digests: &Digests<'_>,
        format: Format,
        name: &str,
    ) -> String {
        let problems = self.problems(path, checked, digests);
        let export = Export {
            analysis: &checked.analysis,
            config: &checked.config.config,
            resolver: digests,
            diagnostics: &problems.digest,
            name,
        };
        export::render(format, &export)
    }

    /// The command [`COMMAND`]: `uri` rendered as `format` and written to
    /// `out` (relative to the digest's folder), by default next to the
    /// digest with the format's extension; answers the file written.
    pub fn export_to(
        &self,
        uri: &Uri,
        format: Format,
        out: Option<&str>,
    ) -> Result<PathBuf, jsonrpc::Error> {
        let rendered = self.render(uri, format)?;
        let written = out;
        let out = output_path(rendered.path.as_deref(), format, out).ok_or_else(|| {
            refused(format!(
                "digest-lsp: {} is not a file: give the export's path",
                uri.as_str()
            ))
        })?;
        let out = into_folder(out, written, &file_name(uri), format);
        if rendered
            .path
            .as_deref()
            .is_some_and(|digest| same_file(digest, &out))
        {
            return Err(refused(format!(
                "digest-lsp: the export would overwrite the digest itself ({})",
                out.display()
            )));
        }
        if let Some(what) = self.held(rendered.path.as_deref(), &out) {
            return Err(refused(format!(
                "digest-lsp: the export would overwrite {what} ({})",
                out.display()
            )));
        }
        let cannot =
            |e: std::io::Error| refused(format!("digest-lsp: cannot write {}: {e}", out.display()));
        // Its folders made, as `digest-lsp export -o` makes them.
        if let Some(folder) = out.parent()
            && !folder.is_dir()
        {
            std::fs::create_dir_all(folder).map_err(|e| {
                let folder = folder.display();
                refused(format!("digest-lsp: cannot make the folder {folder}: {e}"))
            })?;
        }
        std::fs::write(&out, rendered.text).map_err(cannot)?;
        Ok(out)
    }
}

impl Session {
    /// What the file at `out` holds that an export must not replace: a
    /// file of the bibliography of the digest at `digest` (`library.json`
    /// beside `library.digest`: the JSON export's default name) or of
    /// another digest's read so far, another digest of the workspace, or a
    /// document open in the editor.
    fn held(&self, digest: Option<&Path>, out: &Path) -> Option<&'static str> {
        if let Some(digest) = digest {
            let files = self.configs.bibliography_files(digest, self);
            if files.iter().any(|file| same_file(file, out)) {
                return Some("a file of the digest's bibliography");
            }
        }
        // Another digest's bibliography, as far as one was read.
        if self.configs.bibliographies.holds(out) {
            return Some("a file of a bibliography");
        }
        let path = digest_analysis::workspace::normalize(out);
        if self.index.get(&path).is_some() {
            return Some("a digest");
        }
        let open = Uri::from_file_path(&path).is_some_and(|uri| self.version(&uri).is_some());
        open.then_some("a document open in the editor")
    }
}

/// The path of a `file:` URI (`Uri::to_file_path` takes any scheme's
/// path: `untitled:Untitled-1` would be a relative file).
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    file.then(|| uri.to_file_path().map(|p| p.into_owned()))
        .flatten()
}

/// The name of the document at `uri`: the last segment of its path,
/// decoded (`notes.digest`; `Untitled-1` for `untitled:Untitled-1`).
fn file_name(uri: &Uri) -> String {
    let path = uri.path();
    let last = path.rsplit_once('/').map_or(path, |(_, last)| last);
    last.decode().to_string_lossy().into_owned()
}

/// Where an export of the digest at `digest` goes: `out` (a path or a
/// `file:` URI, relative to the digest's folder), else the digest's path
/// with the format's extension. `None` without either.
fn output_path(digest: Option<&Path>, format: Format, out: Option<&str>) -> Option<PathBuf> {
    let Some(out) = out else {
        return Some(digest?.with_extension(format.extension()));
    };
    let out = match out.parse::<Uri>() {
        Ok(uri) if uri.scheme().as_str().eq_ignore_ascii_case("file") => file_path(&uri)?,
        _ => PathBuf::from(out),
    };
    if out.is_absolute() {
        return Some(out);
    }
    Some(digest?.parent()?.join(out))
}

/// `out`, or, when it names a folder (one that exists, or written with a
/// final `/`), the file `NAME.EXT` in it, the document's name with the
/// format's extension: as `digest-lsp export -o` places it.
fn into_folder(out: PathBuf, written: Option<&str>, name: &str, format: Format) -> PathBuf {
    let slash = written.is_some_and(|w| w.ends_with('/') || w.ends_with(std::path::MAIN_SEPARATOR));
    if !slash && !out.is_dir() {
        return out;
    }
    out.join(Path::new(name).with_extension(format.extension()))
}

/// Whether `a` and `b` name one file (`notes.md`, `./notes.md`, a link to
/// it).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// A refusal the editor shows as it is (`RequestFailed`).
fn refused(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_goes_next_to_the_digest_unless_told() {
        let digest = Path::new("/notes/a.b.digest");
        let at = |out| output_path(Some(digest), Format::Html, out);
        assert_eq!(at(None), Some(PathBuf::from("/notes/a.b.html")));
        assert_eq!(at(Some("x/y.htm")), Some(PathBuf::from("/notes/x/y.htm")));
        assert_eq!(
            at(Some("/elsewhere/z.html")),
            Some(PathBuf::from("/elsewhere/z.html"))
        );
        assert_eq!(
            at(Some("file:///elsewhere/z%20w.html")),
            Some(PathBuf::from("/elsewhere/z w.html"))
        );
        assert_eq!(output_path(None, Format::Json, None), None);
        assert_eq!(output_path(None, Format::Json, Some("rel.json")), None);
        assert_eq!(
            output_path(None, Format::Json, Some("/abs.json")),
            Some(PathBuf::from("/abs.json"))
        );
    }

    #[test]
    fn a_document_is_named_by_the_last_segment_of_its_uri() {
        let name = |uri: &str| uri.parse::<Uri>().map(|u| file_name(&u)).ok();
        assert_eq!(
            name("file:///notes/a%20b.digest").as_deref(),
            Some("a b.digest")
        );
        assert_eq!(
            name("file:///%E7%AC%94%E8%AE%B0.txt").as_deref(),
            Some("笔记.txt")
        );
        assert_eq!(name("untitled:Untitled-1").as_deref(), Some("Untitled-1"));
    }

    #[test]
    fn an_unknown_format_is_named_with_the_known_ones() {
        assert_eq!(format_named("json").ok(), Some(Format::Json));
        let error = format_named("pdf").err().map(|e| e.message.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "digest-lsp: unknown export format \"pdf\" (expected \"markdown\", \"html\" or \"json\")"
            )
        );
    }
}
