//! Finding digests on disk: the one folder walk that `check DIR` and the
//! server's workspace index both use, with one set of rules.
//!
//! A file is a digest by name when it ends in `.digest`, or when the
//! `[files] include` patterns of the `digest.toml` that applies to it (the
//! nearest one, as for configuration) name it. Hidden folders, `target/`
//! and `node_modules/` are not searched, and symbolic links to folders are
//! not followed (so a link loop cannot trap the walk); links to files are
//! taken, and dangling links too (so that `check` can say they are broken).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use digest_analysis::workspace::normalize;

use crate::files::{Configs, Source};

/// The extension every digest may have, whatever the configuration says.
pub const EXTENSION: &str = "digest";

/// The pattern `*.digest`, as messages show it.
pub const DIGEST_PATTERN: &str = "*.digest";

/// Folders never searched (besides hidden ones).
const SKIPPED: [&str; 2] = ["target", "node_modules"];

/// True for a folder name the walk does not enter: hidden, `target`,
/// `node_modules` (or not UTF-8).
pub fn skipped(name: &str) -> bool {
    name.starts_with('.') || SKIPPED.contains(&name)
}

/// True when `path` is a digest by its name: `*.digest`, or named by the
/// `[files] include` of the `digest.toml` that applies to it.
pub fn is_digest(path: &Path, configs: &Configs, source: &dyn Source) -> bool {
    path.extension().is_some_and(|e| e == EXTENSION) || included(path, configs, source)
}

/// True when the `[files] include` of the configuration that applies to
/// `path` names it (relative to that `digest.toml`'s folder).
fn included(path: &Path, configs: &Configs, source: &dyn Source) -> bool {
    let loaded = configs.for_file(path, source);
    if loaded.config.include.is_empty() {
        return false;
    }
    let Some(base) = loaded.path.as_deref().and_then(Path::parent) else {
        return false;
    };
    let absolute = |p: &Path| normalize(&std::path::absolute(p).unwrap_or_else(|_| p.into()));
    absolute(path)
        .strip_prefix(absolute(base))
        .is_ok_and(|relative| loaded.config.include.matches(relative))
}

/// What a walk found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The digests, sorted, each once, as `root.join(...)` spells them.
    pub files: Vec<PathBuf>,
    /// The `[files] include` patterns of the configurations met on the way,
    /// each once, sorted (for "looked for ..." messages).
    pub patterns: Vec<String>,
    /// The folders that could not be read (no permission), sorted, with
    /// why: the digests in them are not in `files`.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Found {
    /// What the walk looked for, for messages: `*.digest, **/*.txt`.
    pub fn looked_for(&self) -> String {
        let mut all = vec![DIGEST_PATTERN.to_string()];
        all.extend(self.patterns.iter().cloned());
        all.join(", ")
    }
}

/// Every digest under `roots` (see the module's rules).
pub fn walk(roots: &[PathBuf], configs: &Configs, source: &dyn Source) -> Found {
    let mut found = Found::default();
    let mut patterns = BTreeSet::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(folder) = stack.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                found.unreadable.push((folder, e.to_string()));
                continue;
            }
        };
        let loaded = configs.for_dir(&folder, source);
        patterns.extend(loaded.config.include.patterns().iter().cloned());
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !entry.file_name().to_str().is_none_or(skipped) {
                    stack.push(path);
                }
                continue;
            }
            // A link to a file is taken; so is a dangling one (`check`
            // reports it cannot be read; the index holds nothing for it).
            let is_file = kind.is_file()
                || (kind.is_symlink() && !std::fs::metadata(&path).is_ok_and(|m| m.is_dir()));
            if is_file && is_digest(&path, configs, source) {
                found.files.push(path);
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found.unreadable.sort();
    found.patterns = patterns.into_iter().collect();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::DiskOnly;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("digest-lsp-walk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folders");
        std::fs::write(&path, text).expect("write");
    }

    fn relative(root: &Path, found: &Found) -> Vec<String> {
        found
            .files
            .iter()
            .map(|p| {
                p.strip_prefix(root)
                    .expect("under the root")
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn the_walk_skips_hidden_target_node_modules_and_linked_folders() {
        let root = scratch("skip");
        for rel in [
            "a.digest",
            "sub/b.digest",
            "sub/deeper/c.digest",
            ".hidden/d.digest",
            "target/e.digest",
            "x/node_modules/f.digest",
            "notes.txt",
            "g.digest.txt",
        ] {
            write(&root, rel, "Paper1 A\n");
        }
        #[cfg(unix)]
        {
            let _ = std::os::unix::fs::symlink(root.join("sub"), root.join("linked"));
            let _ = std::os::unix::fs::symlink(root.join("a.digest"), root.join("alias.digest"));
            let _ = std::os::unix::fs::symlink(root.join("nowhere"), root.join("broken.digest"));
        }
        let found = walk(std::slice::from_ref(&root), &Configs::default(), &DiskOnly);
        let mut expected = vec!["a.digest", "sub/b.digest", "sub/deeper/c.digest"];
        if cfg!(unix) {
            expected.splice(1..1, ["alias.digest", "broken.digest"]);
        }
        assert_eq!(relative(&root, &found), expected);
        assert_eq!(found.looked_for(), "*.digest");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn the_nearest_config_s_include_names_more_digests() {
        let root = scratch("include");
        write(&root, "digest.toml", "[files]\ninclude = [\"**/*.txt\"]\n");
        write(&root, "top.txt", "");
        write(&root, "notes/a.txt", "");
        write(&root, "notes/b.md", "");
        write(&root, "notes/c.digest", "");
        write(&root, ".git/d.txt", "");
        write(&root, "target/e.txt", "");
        // The nearest config wins whole: here, only `*.md` at its top.
        write(&root, "own/digest.toml", "[files]\ninclude = [\"*.md\"]\n");
        write(&root, "own/f.txt", "");
        write(&root, "own/g.md", "");
        write(&root, "own/deeper/h.md", "");
        // A broken config keeps the defaults: no include.
        write(&root, "broken/digest.toml", "[files]\ninclude = [\"[\"]\n");
        write(&root, "broken/i.txt", "");
        let configs = Configs::default();
        let found = walk(std::slice::from_ref(&root), &configs, &DiskOnly);
        assert_eq!(
            relative(&root, &found),
            ["notes/a.txt", "notes/c.digest", "own/g.md", "top.txt"]
        );
        assert_eq!(found.looked_for(), "*.digest, **/*.txt, *.md");
        assert!(is_digest(&root.join("notes/new.txt"), &configs, &DiskOnly));
        assert!(!is_digest(&root.join("own/new.txt"), &configs, &DiskOnly));
        let _ = std::fs::remove_dir_all(&root);
    }
}
