//! The cross-file rule's keys of every digest, inverted: key -> papers,
//! kept from one check to the next.
//!
//! [`check_workspace_file`](super::check_workspace_file) hashes every key
//! of every digest at each call: at each keystroke, work in proportion to
//! the whole workspace. A [`KeyIndex`] is brought up to date
//! ([`KeyIndex::sync`]) by indexing again only the digests whose keys
//! changed, which the caller tells by a stamp of its choosing (the
//! identity of the analysis the keys were derived from, say); checking one
//! digest is then a look-up per key of that digest
//! ([`Synced::check_file`]), with the same findings, in the same order.
//!
//! Keys are filed by a 64-bit hash, not by their text (the index holds no
//! copy of the workspace's titles); a look-up compares the text of each
//! paper found with the key asked for, so two keys of one hash never mix.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};

use super::{Kind, PaperId, PaperKeys, diagnose};
use crate::rules::{Diagnostic, Rule};
use crate::{Config, WorkspaceFile};

/// A paper of an indexed digest: (slot, paper index).
type Member = (u32, u32);

/// The papers whose keys have one hash. Most keys are one paper's: that
/// paper is kept inline, the table being the index's memory.
#[derive(Debug)]
enum Postings {
    One(Member),
    Many(Box<Many>),
}

#[derive(Debug, Default)]
struct Many {
    /// Every paper with a key of this hash, each once.
    members: Vec<Member>,
    /// For each key of this hash that two papers or more of one digest
    /// share (by its text), in each such digest: (slot, two of those
    /// papers). Such a key identifies no paper; this answers so without
    /// reading every member.
    crowded: Vec<(u32, u32, u32)>,
}

impl Postings {
    fn members(&self) -> &[Member] {
        match self {
            Postings::One(member) => std::slice::from_ref(member),
            Postings::Many(many) => &many.members,
        }
    }

    fn crowded(&self) -> &[(u32, u32, u32)] {
        match self {
            Postings::One(_) => &[],
            Postings::Many(many) => &many.crowded,
        }
    }

    /// Adds the papers `papers` of digest `slot` that have a key of this
    /// hash (its own key: crowded when two or more).
    fn add(postings: Option<Postings>, slot: u32, papers: &[u32]) -> Postings {
        let many = match (postings, papers) {
            (None, &[paper]) => return Postings::One((slot, paper)),
            (None, _) => Box::default(),
            (Some(Postings::One(member)), _) => Box::new(Many {
                members: vec![member],
                crowded: Vec::new(),
            }),
            (Some(Postings::Many(many)), _) => many,
        };
        let mut many = many;
        many.members.extend(papers.iter().map(|&p| (slot, p)));
        if let [first, second, ..] = papers[..] {
            many.crowded.push((slot, first, second));
        }
        Postings::Many(many)
    }

    /// Takes out the papers of digest `slot`; `None` when none are left.
    fn remove(self, slot: u32) -> Option<Postings> {
        match self {
            Postings::One((s, _)) if s == slot => None,
            Postings::One(member) => Some(Postings::One(member)),
            Postings::Many(mut many) => {
                many.members.retain(|m| m.0 != slot);
                many.crowded.retain(|m| m.0 != slot);
                match (&many.members[..], &many.crowded[..]) {
                    ([], _) => None,
                    (&[member], []) => Some(Postings::One(member)),
                    _ => Some(Postings::Many(many)),
                }
            }
        }
    }
}

/// An indexed digest.
#[derive(Debug)]
struct Slot<S> {
    path: PathBuf,
    /// What the caller said of the keys indexed; `None`: none indexed yet.
    stamp: Option<S>,
    /// The hashes its keys are filed under, each once.
    hashes: Vec<u64>,
}

/// The cross-file rule's keys of a workspace's digests, by key (see the
/// module's documentation). `S`: the caller's stamp of a digest's keys.
#[derive(Debug)]
pub struct KeyIndex<S> {
    hasher: RandomState,
    /// By slot; `None`: a free slot.
    slots: Vec<Option<Slot<S>>>,
    free: Vec<u32>,
    by_path: HashMap<PathBuf, u32>,
    by_key: HashMap<u64, Postings>,
    /// The slot of each file of the last sync, in its order.
    order: Vec<u32>,
    /// By slot: its file's index in the last sync.
    position: Vec<usize>,
}

impl<S> Default for KeyIndex<S> {
    fn default() -> Self {
        Self {
            hasher: RandomState::new(),
            slots: Vec::new(),
            free: Vec::new(),
            by_path: HashMap::new(),
            by_key: HashMap::new(),
            order: Vec::new(),
            position: Vec::new(),
        }
    }
}

/// The index brought up to `files` and their keys: what it answers of them.
pub struct Synced<'a, S> {
    index: &'a KeyIndex<S>,
    files: &'a [WorkspaceFile<'a>],
    keys: &'a [&'a PaperKeys],
}

impl<S> KeyIndex<S> {
    pub fn new() -> Self {
        Self::default()
    }

    /// How many digests are indexed.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Brings the index up to `files`, whose keys are `keys` (`keys[i]`
    /// those of `files[i]`; `files` without a path twice): digests no
    /// longer among them are forgotten, new ones indexed, and those whose
    /// keys changed indexed again. `changed(i, stamp)` tells, from the
    /// stamp kept with the keys indexed for `files[i]`'s path (`None`: none
    /// are), whether `keys[i]` differ from them: then it returns their
    /// stamp, else `None`. With slices of different lengths, the index is
    /// emptied and answers nothing.
    pub fn sync<'a>(
        &'a mut self,
        files: &'a [WorkspaceFile<'a>],
        keys: &'a [&'a PaperKeys],
        mut changed: impl FnMut(usize, Option<&S>) -> Option<S>,
    ) -> Synced<'a, S> {
        let files = if files.len() == keys.len() {
            files
        } else {
            &files[..0]
        };
        if !self.in_order(files) {
            self.lay_out(files);
        }
        for (i, file_keys) in keys.iter().enumerate().take(files.len()) {
            let slot = self.order[i];
            let stamp = self.slot(slot).and_then(|s| s.stamp.as_ref());
            if let Some(stamp) = changed(i, stamp) {
                self.unfile(slot);
                self.file(slot, file_keys);
                if let Some(Some(s)) = self.slots.get_mut(slot as usize) {
                    s.stamp = Some(stamp);
                }
            }
        }
        Synced {
            index: self,
            files,
            keys,
        }
    }

    fn slot(&self, slot: u32) -> Option<&Slot<S>> {
        self.slots.get(slot as usize).and_then(Option::as_ref)
    }

    /// Whether `files` are those of the last sync, in the same order (by
    /// the bytes of their paths, a `memcmp`, where `Path`'s equality walks
    /// their components).
    fn in_order(&self, files: &[WorkspaceFile<'_>]) -> bool {
        self.order.len() == files.len()
            && (self.order.iter().zip(files)).all(|(&slot, file)| {
                (self.slot(slot)).is_some_and(|s| s.path.as_os_str() == file.path.as_os_str())
            })
    }

    /// Gives each of `files` its slot (a new one for a new path), forgets
    /// the digests not among them.
    fn lay_out(&mut self, files: &[WorkspaceFile<'_>]) {
        let mut order = Vec::with_capacity(files.len());
        for file in files {
            let slot = match self.by_path.get(file.path) {
                Some(&slot) => slot,
                None => {
                    let slot = Slot {
                        path: file.path.to_path_buf(),
                        stamp: None,
                        hashes: Vec::new(),
                    };
                    let id = match self.free.pop() {
                        Some(id) => {
                            self.slots[id as usize] = Some(slot);
                            id
                        }
                        None => {
                            self.slots.push(Some(slot));
                            (self.slots.len() - 1) as u32
                        }
                    };
                    self.by_path.insert(file.path.to_path_buf(), id);
                    id
                }
            };
            order.push(slot);
        }
        self.position = vec![usize::MAX; self.slots.len()];
        for (i, &slot) in order.iter().enumerate() {
            self.position[slot as usize] = i;
        }
        let gone: Vec<u32> = (0..self.slots.len() as u32)
            .filter(|&s| self.position[s as usize] == usize::MAX && self.slot(s).is_some())
            .collect();
        for slot in gone {
            self.unfile(slot);
            if let Some(old) = self.slots[slot as usize].take() {
                self.by_path.remove(&old.path);
            }
            self.free.push(slot);
        }
        self.order = order;
    }

    fn hash(&self, kind: Kind, key: &str) -> u64 {
        self.hasher.hash_one((kind, key))
    }

    /// Files the keys of digest `slot` (none filed).
    fn file(&mut self, slot: u32, keys: &PaperKeys) {
        // Per key, the papers of this digest that have it, in order.
        let mut papers: HashMap<(Kind, &str), Vec<u32>> = HashMap::with_capacity(2 * keys.len());
        for p in 0..keys.len() {
            for key in keys.of(p) {
                let list = papers.entry(key).or_default();
                if list.last() != Some(&(p as u32)) {
                    list.push(p as u32);
                }
            }
        }
        let mut hashes = Vec::with_capacity(papers.len());
        for ((kind, key), list) in papers {
            let hash = self.hash(kind, key);
            let postings = Postings::add(self.by_key.remove(&hash), slot, &list);
            self.by_key.insert(hash, postings);
            hashes.push(hash);
        }
        hashes.sort_unstable();
        hashes.dedup();
        if let Some(Some(s)) = self.slots.get_mut(slot as usize) {
            s.hashes = hashes;
        }
    }

    /// Takes the keys of digest `slot` out of the index.
    fn unfile(&mut self, slot: u32) {
        let Some(Some(s)) = self.slots.get_mut(slot as usize) else {
            return;
        };
        s.stamp = None;
        for hash in std::mem::take(&mut s.hashes) {
            let Some(postings) = self.by_key.remove(&hash) else {
                continue;
            };
            if let Some(left) = postings.remove(slot) {
                self.by_key.insert(hash, left);
            }
        }
    }
}

impl<S> Synced<'_, S> {
    /// [`check_workspace_file`](super::check_workspace_file): the findings
    /// of `check_workspace` on file `current` alone, the same diagnostics
    /// in the same order, from a look-up per key of that file.
    pub fn check_file(&self, current: usize, config: &Config) -> Vec<Diagnostic> {
        let Some(severity) = config.severity(Rule::DuplicatePaperAcrossFiles) else {
            return Vec::new();
        };
        let (files, keys) = (self.files, self.keys);
        let Some(own) = keys.get(current) else {
            return Vec::new();
        };
        let index = self.index;
        // Whether paper `p` of file `f` has the key.
        let has = |(f, p): PaperId, kind: Kind, key: &str| {
            (keys.get(f)).is_some_and(|k| k.of(p).any(|(x, y)| x == kind && y == key))
        };
        let at = |(slot, p): Member| (index.position[slot as usize], p as usize);
        let mut copies: BTreeMap<PaperId, Vec<(PaperId, super::SamePaper)>> = BTreeMap::new();
        for p in 0..own.len() {
            for (kind, key) in own.of(p) {
                let Some(postings) = index.by_key.get(&index.hash(kind, key)) else {
                    continue;
                };
                // Two papers of one digest share it: it identifies none.
                let crowded = |&(slot, a, b): &(u32, u32, u32)| {
                    has(at((slot, a)), kind, key) && has(at((slot, b)), kind, key)
                };
                if postings.crowded().iter().any(crowded) {
                    continue;
                }
                let mut group: Vec<PaperId> = (postings.members().iter())
                    .map(|&m| at(m))
                    .filter(|&m| has(m, kind, key))
                    .collect();
                // In the order `findings` groups them: by file, then paper.
                group.sort_unstable();
                group.dedup();
                if group.first().map(|m| m.0) == group.last().map(|m| m.0) {
                    continue;
                }
                let same = kind.same(key);
                let list = copies.entry((current, p)).or_default();
                for &other in &group {
                    if other.0 != current {
                        list.push((other, same.clone()));
                    }
                }
            }
        }
        diagnose(files, copies, severity)
            .into_iter()
            .map(|(_, d)| d)
            .collect()
    }
}

impl<S> Synced<'_, S> {
    /// The path of each indexed digest, in no order (for tests).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.index.by_path.keys().map(PathBuf::as_path)
    }
}
