//! A deterministic generator of realistic, clean digests.
//!
//! The output looks like a real digest (an English abstract and a Chinese
//! summary per paper, long single-line paragraphs, URLs glued to CJK text,
//! in-file and wiki references to earlier papers) and has no diagnostics
//! under the default configuration: papers numbered 1, 2, 3, ... with both
//! required sections, every reference pointing at an earlier paper, every
//! link well formed, and no `/` outside links.
//!
//! The same seed gives the same text, and `generate(n, seed)` is a prefix
//! of `generate(n + 1, seed)`. All vocabulary is made up here.

/// A digest of `papers` papers (≈2.7 KB each).
pub fn generate(papers: usize, seed: u64) -> String {
    let mut g = Generator::new(seed);
    let mut out = g.preamble();
    for _ in 0..papers {
        g.paper(&mut out);
    }
    out
}

/// A digest of about `bytes` bytes (whole papers, at least one): the prefix
/// of the seed's digest whose length is nearest to `bytes`.
pub fn generate_sized(bytes: usize, seed: u64) -> String {
    let mut g = Generator::new(seed);
    let mut out = g.preamble();
    loop {
        let before = out.len();
        g.paper(&mut out);
        if out.len() >= bytes {
            if g.papers > 1 && out.len() - bytes > bytes.saturating_sub(before) {
                out.truncate(before);
            }
            return out;
        }
    }
}

/// The number of paper headings (`Paper<N>` at a line start) in `text`.
pub fn paper_count(text: &str) -> usize {
    text.lines()
        .filter(|line| {
            line.strip_prefix("Paper")
                .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count()
}

/// SplitMix64: tiny, fast, and good enough for test data (and for seeded
/// random edits that replay).
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick_usize(&mut self, items: &[usize]) -> usize {
        items[self.below(items.len())]
    }

    /// Fisher-Yates.
    fn shuffle(&mut self, items: &mut [usize]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

struct Generator {
    rng: Rng,
    /// Papers written so far (the next one is `papers + 1`).
    papers: usize,
    /// Whether the current paper's summary has its reference, its URL.
    has_reference: bool,
    has_url: bool,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: Rng(seed ^ 0x6469_6765_7374_2d31), // "digest-1"
            papers: 0,
            has_reference: false,
            has_url: false,
        }
    }

    fn preamble(&mut self) -> String {
        let r = &mut self.rng;
        format!(
            "{}年{}相关论文速览\n\n{}\n\n",
            r.range(2015, 2026),
            r.pick(ZH_TOPICS),
            r.pick(ZH_PREAMBLE_NOTES),
        )
    }

    fn paper(&mut self, out: &mut String) {
        self.papers += 1;
        self.has_reference = false;
        self.has_url = false;
        let n = self.papers;
        let method = self.method_name();
        let title = self.title(&method);
        out.push_str(&format!("Paper{n} {title}\n\n"));
        out.push_str("摘要原文: ");
        self.abstract_text(&method, out);
        out.push_str("\n\n中文总结: ");
        self.summary_text(&method, n, out);
        if self.rng.one_in(20) {
            // A second paragraph, as hand-edited digests have.
            out.push_str("\n\n");
            // It starts with a plain sentence: no reference, link or colon
            // at the line start.
            let first = self.zh_plain_sentence(&method);
            out.push_str(&first);
            let start = out.len();
            while out.len() - start < 240 {
                let sentence = self.zh_sentence(&method, n);
                out.push_str(&sentence);
            }
        }
        if self.rng.one_in(10) {
            let a = self.rng.pick(ZH_TOPICS);
            let b = self.rng.pick(ZH_NOUNS);
            out.push_str(&format!("\n\n标签: {a}, {b}"));
        }
        out.push_str("\n\n");
    }

    /// A made-up method name such as `ProtoAlign` or `CrossKD-v2`.
    fn method_name(&mut self) -> String {
        let r = &mut self.rng;
        let mut name = format!("{}{}", r.pick(EN_NAME_HEADS), r.pick(EN_NAME_TAILS));
        if r.one_in(8) {
            name.push_str(r.pick(&["-v2", "++", "-L", "-Lite"]));
        }
        name
    }

    fn title(&mut self, method: &str) -> String {
        let r = &mut self.rng;
        let adj = capitalize(r.pick(EN_ADJECTIVES));
        let concept = title_case(r.pick(EN_CONCEPTS));
        let concept2 = title_case(r.pick(EN_CONCEPTS));
        let task = title_case(r.pick(EN_TASKS));
        match r.below(7) {
            0 => format!("{adj} {concept} for {task}"),
            1 => format!("{method}: {adj} {concept} for {task}"),
            2 => format!("Towards {adj} {task} via {concept}"),
            3 => format!("{concept} Meets {concept2}: {adj} {task}"),
            4 => format!("Learning {adj} {concept} with {concept2}"),
            5 => format!("Rethinking {concept} in {task}"),
            _ => format!("{method}: {concept} and {concept2} for {adj} {task}"),
        }
    }

    /// An abstract as authors write them: context, the gap, the proposal,
    /// its parts, the experiments, a closing remark, sometimes a code link.
    fn abstract_text(&mut self, method: &str, out: &mut String) {
        let target = self.rng.range(1050, 1550);
        let start = out.len();
        let mut plan = vec![self.rng.pick_usize(&[0, 7]), 1];
        let mut details = vec![2, 5, 6, 9, 10];
        self.rng.shuffle(&mut details);
        let mut endings = vec![self.rng.pick_usize(&[3, 8]), self.rng.pick_usize(&[4, 11])];
        let opening = self.en_opening();
        out.push_str(&opening);
        for kind in plan.drain(..) {
            out.push(' ');
            let sentence = self.en_sentence(method, kind);
            out.push_str(&sentence);
        }
        for kind in details {
            if out.len() - start + 300 > target {
                break;
            }
            out.push(' ');
            let sentence = self.en_sentence(method, kind);
            out.push_str(&sentence);
        }
        if out.len() - start + 300 < target {
            endings.insert(1, if endings[0] == 3 { 8 } else { 3 });
        }
        for kind in endings {
            out.push(' ');
            let sentence = self.en_sentence(method, kind);
            out.push_str(&sentence);
        }
        if self.rng.one_in(5) {
            out.push(' ');
            let url = self.url();
            let code = match self.rng.below(3) {
                0 => format!("Code is available at {url}."),
                1 => format!("The code and models are released at {url}."),
                _ => format!("Our project page is {url}, where code will be released."),
            };
            out.push_str(&code);
        }
    }

    fn en_opening(&mut self) -> String {
        let r = &mut self.rng;
        let task = r.pick(EN_TASKS);
        let task_cap = capitalize(task);
        let adj = r.pick(EN_ADJECTIVES);
        let noun = r.pick(EN_NOUNS);
        let domain = r.pick(EN_DOMAINS);
        match r.below(3) {
            0 => format!(
                "{task_cap} has attracted growing attention due to its {adj} {noun} in {domain}."
            ),
            1 => format!(
                "{task_cap} is a fundamental problem in {domain}, yet {adj} {noun} remains hard to obtain."
            ),
            _ => format!(
                "Recent advances in {} have made {task} practical for {domain}.",
                r.pick(EN_CONCEPTS)
            ),
        }
    }

    /// One English sentence of the given kind (see `abstract_text`).
    fn en_sentence(&mut self, method: &str, kind: usize) -> String {
        let r = &mut self.rng;
        let a1 = r.pick(EN_ADJECTIVES);
        let a2 = r.pick(EN_ADJECTIVES);
        let n1 = r.pick(EN_NOUNS);
        let n2 = r.pick(EN_NOUNS);
        let c1 = r.pick(EN_CONCEPTS);
        let m1 = r.pick(EN_MODULES);
        let m2 = r.pick(EN_MODULES);
        let v1 = r.pick(EN_VERBS);
        let v2 = r.pick(EN_VERBS);
        let d1 = r.pick(EN_DATASETS);
        let d2 = r.pick(EN_DATASETS);
        let task = r.pick(EN_TASKS);
        match kind {
            0 => format!(
                "However, existing methods usually rely on {a1} {n1}, which limits their {n2} in {a2} settings."
            ),
            1 => format!(
                "In this paper, we propose {method}, {} {c1} framework that {v1}s {n1} from the teacher to the student.",
                article(a1)
            ),
            2 => format!(
                "Specifically, we introduce {} {m1} module to {v1} {a2} {n1}, and a {m2} to {v2} the {n2}.",
                article(a1)
            ),
            3 => {
                let x = r.range(1, 9);
                let y = r.range(0, 9);
                format!(
                    "Extensive experiments on {d1} and {d2} demonstrate that {method} outperforms {a1} baselines by {x}.{y}% in {}.",
                    r.pick(EN_METRICS)
                )
            }
            4 => format!(
                "We further show that {method} is robust to {n1} and generalizes well to {task}."
            ),
            5 => format!(
                "The proposed {m1} can be plugged into {a1} architectures, e.g. {} and {}, with negligible {}.",
                r.pick(EN_ARCHITECTURES),
                r.pick(EN_ARCHITECTURES),
                r.pick(EN_COSTS)
            ),
            6 => format!(
                "Moreover, we provide a theoretical analysis showing that {a1} {n1} bounds the {n2} of the student."
            ),
            7 => format!(
                "Unlike prior work on {c1}, our approach does not require {a1} {n1} or {a2} {n2}."
            ),
            8 => {
                let from = r.range(20, 60);
                let gain = r.range(1, 6);
                format!(
                    "On {d1}, {method} improves {} from {from}.{}% to {}.{}% under the {a1} protocol.",
                    r.pick(EN_METRICS),
                    r.range(0, 9),
                    from + gain,
                    r.range(0, 9)
                )
            }
            9 => format!(
                "To this end, we {v1} the {n1} of the teacher and {v2} it with {a1} {n2} (the {m1})."
            ),
            10 => format!(
                "This design lets the student {v1} {a1} {n1} while keeping the {n2} of {task} intact."
            ),
            _ => format!(
                "Ablation studies confirm that each component, especially the {m1}, contributes to the final {}.",
                r.pick(EN_METRICS)
            ),
        }
    }

    fn summary_text(&mut self, method: &str, n: usize, out: &mut String) {
        let target = self.rng.range(280, 500);
        let r = &mut self.rng;
        let mut text = format!(
            "{}{}的{}。",
            r.pick(ZH_OPENINGS),
            r.pick(ZH_TOPICS),
            r.pick(ZH_APPROACHES)
        );
        let mut chars = text.chars().count();
        while chars < target {
            let sentence = self.zh_sentence(method, n);
            chars += sentence.chars().count();
            text.push_str(&sentence);
        }
        out.push_str(&text);
    }

    /// One Chinese sentence: now and then a reference to an earlier paper
    /// or a URL glued to the CJK text, else a plain sentence.
    fn zh_sentence(&mut self, method: &str, n: usize) -> String {
        let r = &mut self.rng;
        if n > 1 && !self.has_reference && r.one_in(6) {
            self.has_reference = true;
            let k = r.range(1, n - 1);
            let noun = r.pick(ZH_NOUNS);
            return match r.below(3) {
                0 => format!("与Paper{k}类似,该方法也关注{noun}。"),
                1 => format!("这一思路和Paper {k}中的{noun}有相通之处。"),
                _ => format!("可以参考[[Paper{k}]]中关于{noun}的讨论。"),
            };
        }
        if !self.has_url && r.one_in(25) {
            self.has_url = true;
            let url = self.url();
            return match self.rng.below(3) {
                0 => format!("代码见{url}。"),
                1 => format!("源代码可在{url}找到。"),
                _ => format!("项目主页为{url},其中包含预训练模型。"),
            };
        }
        self.zh_plain_sentence(method)
    }

    /// A Chinese sentence with no reference, link or colon.
    fn zh_plain_sentence(&mut self, method: &str) -> String {
        let r = &mut self.rng;
        let n1 = r.pick(ZH_NOUNS);
        let n2 = r.pick(ZH_NOUNS);
        let n3 = r.pick(ZH_NOUNS);
        let adj = r.pick(ZH_ADJECTIVES);
        let verb = r.pick(ZH_VERBS);
        let d1 = r.pick(EN_DATASETS);
        let d2 = r.pick(EN_DATASETS);
        match r.below(8) {
            0 => format!("以往的研究通常依赖{adj}{n1},但这些方法存在{n2}和{n3}等问题。"),
            1 => format!("为了解决这一问题,本文提出了{method},它通过{n1}来{verb}{n2}。"),
            2 => format!("具体来说,{method}利用{n1}对{n2}进行{verb},从而获得更{adj}的{n3}。"),
            3 => format!("在{d1}和{d2}数据集上的实验表明,该方法取得了最先进的性能。"),
            4 => format!("作者还分析了{n1}对{n2}的影响,发现{adj}的{n3}尤为重要。"),
            5 => format!("与传统的{n1}相比,{method}在保持{n2}的同时显著降低了计算开销。"),
            6 => format!("该方法可以方便地{verb}到其他{n1}中,具有{adj}的通用性。"),
            _ => format!(
                "实验结果证明了{n1}和{n2}的有效性,{method}的性能提升了{}个百分点。",
                r.range(1, 9)
            ),
        }
    }

    fn url(&mut self) -> String {
        let r = &mut self.rng;
        let org = r.pick(URL_ORGS);
        let repo = r.pick(URL_REPOS);
        match r.below(4) {
            0 | 1 => format!("https://github.com/{org}/{repo}"),
            2 => format!("https://{org}.github.io/{repo}/"),
            _ => format!(
                "https://arxiv.example.org/abs/{}{:02}.{:05}",
                r.range(18, 25),
                r.range(1, 12),
                r.range(1, 29_999)
            ),
        }
    }
}

/// `word` with its indefinite article: `an implicit`, `a robust`.
fn article(word: &str) -> String {
    let an = word.starts_with(['a', 'e', 'i', 'o', 'u']) && !word.starts_with("uni");
    format!("{} {word}", if an { "an" } else { "a" })
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn title_case(phrase: &str) -> String {
    phrase
        .split(' ')
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}

const EN_NAME_HEADS: &[&str] = &[
    "Proto", "Mask", "Token", "Graph", "Cross", "Meta", "Dual", "Multi", "Self", "Hyper", "Flow",
    "Sparse", "Light", "Deep", "Fused", "Echo", "Prism", "Orbit", "Nova", "Tidal",
];

const EN_NAME_TAILS: &[&str] = &[
    "Net", "Former", "KD", "Det", "Seg", "Match", "Align", "Mix", "Prompt", "Distill", "Fuse",
    "Bridge", "Tune", "Shift", "Lens",
];

const EN_ADJECTIVES: &[&str] = &[
    "robust",
    "efficient",
    "adaptive",
    "hierarchical",
    "lightweight",
    "scalable",
    "progressive",
    "dynamic",
    "contrastive",
    "structured",
    "semantic",
    "spatial",
    "temporal",
    "implicit",
    "explicit",
    "unified",
    "decoupled",
    "label-efficient",
    "fine-grained",
    "coarse",
    "global",
    "local",
    "multi-scale",
    "cross-modal",
    "uncertainty-aware",
    "data-free",
    "online",
    "offline",
    "self-supervised",
    "balanced",
];

const EN_NOUNS: &[&str] = &[
    "feature representations",
    "soft labels",
    "attention maps",
    "logits",
    "intermediate features",
    "class prototypes",
    "decision boundaries",
    "pseudo labels",
    "annotation quality",
    "generalization ability",
    "inference cost",
    "training stability",
    "model capacity",
    "spatial context",
    "semantic consistency",
    "domain shift",
    "label noise",
    "dark knowledge",
    "relational structure",
    "channel statistics",
    "token interactions",
    "calibration",
    "representation gap",
    "sample difficulty",
    "memory footprint",
];

const EN_CONCEPTS: &[&str] = &[
    "knowledge distillation",
    "contrastive learning",
    "feature alignment",
    "self-distillation",
    "masked modeling",
    "prompt tuning",
    "curriculum learning",
    "token pruning",
    "relation distillation",
    "logit calibration",
    "mutual learning",
    "data augmentation",
    "neural architecture search",
    "quantization",
    "teacher ensembles",
    "domain adaptation",
];

const EN_TASKS: &[&str] = &[
    "object detection",
    "semantic segmentation",
    "image classification",
    "pose estimation",
    "depth estimation",
    "video recognition",
    "point cloud detection",
    "image retrieval",
    "incremental learning",
    "few-shot recognition",
    "visual grounding",
    "action localization",
    "image super-resolution",
    "optical flow estimation",
    "scene text recognition",
];

const EN_DOMAINS: &[&str] = &[
    "autonomous driving",
    "medical imaging",
    "remote sensing",
    "mobile devices",
    "video surveillance",
    "robotics",
    "augmented reality",
    "industrial inspection",
];

const EN_MODULES: &[&str] = &[
    "spatial calibration",
    "feature bridge",
    "token selector",
    "prototype bank",
    "relation encoder",
    "gated fusion",
    "uncertainty head",
    "frequency adapter",
    "semantic router",
    "residual projector",
];

const EN_VERBS: &[&str] = &[
    "transfer",
    "align",
    "refine",
    "aggregate",
    "decouple",
    "calibrate",
    "compress",
    "recover",
    "exploit",
    "regularize",
];

const EN_DATASETS: &[&str] = &[
    "MS-COCO",
    "Pascal VOC",
    "ImageNet-1K",
    "ADE20K",
    "Cityscapes",
    "KITTI",
    "nuScenes",
    "CIFAR-100",
    "Kinetics-400",
    "ScanNet",
    "LVIS",
    "Tiny-ImageNet",
];

const EN_METRICS: &[&str] = &["mAP", "top-1 accuracy", "mIoU", "AP50", "F1 score", "NDS"];

const EN_ARCHITECTURES: &[&str] = &[
    "ResNet-50",
    "ViT-B",
    "Swin-T",
    "MobileNetV2",
    "ConvNeXt-T",
    "DeiT-S",
    "EfficientNet-B0",
];

const EN_COSTS: &[&str] = &[
    "extra parameters",
    "training overhead",
    "inference latency",
    "memory cost",
];

const ZH_TOPICS: &[&str] = &[
    "知识蒸馏",
    "目标检测",
    "语义分割",
    "模型压缩",
    "增量学习",
    "对比学习",
    "域适应",
    "多模态学习",
    "三维检测",
    "图像分类",
    "姿态估计",
    "视频理解",
    "小样本学习",
    "长尾识别",
];

const ZH_PREAMBLE_NOTES: &[&str] = &[
    "以下内容整理自公开论文列表,每篇包括摘要原文和中文总结。",
    "本文收录相关方向的论文,并附上简要的中文说明。",
    "整理者会不定期更新,欢迎补充和指正。",
];

const ZH_OPENINGS: &[&str] = &[
    "这段话主要介绍了",
    "本文讨论了",
    "这篇论文研究了",
    "这段文字主要描述了",
];

const ZH_APPROACHES: &[&str] = &[
    "一种新方法",
    "一个统一框架",
    "一种轻量级方案",
    "若干关键问题",
    "一种改进策略",
];

const ZH_NOUNS: &[&str] = &[
    "教师模型",
    "学生模型",
    "特征表示",
    "注意力机制",
    "软标签",
    "伪标签",
    "类别原型",
    "空间信息",
    "语义信息",
    "标签噪声",
    "计算开销",
    "泛化能力",
    "决策边界",
    "中间特征",
    "数据增强",
    "灾难性遗忘",
    "类别不平衡",
    "长尾分布",
    "域偏移",
    "关系结构",
    "置信度",
    "损失函数",
    "训练策略",
    "推理速度",
    "边界框",
];

const ZH_ADJECTIVES: &[&str] = &[
    "高质量",
    "鲁棒",
    "高效",
    "细粒度",
    "全局",
    "局部",
    "多尺度",
    "自适应",
    "稳定",
    "紧凑",
];

const ZH_VERBS: &[&str] = &[
    "优化", "对齐", "融合", "迁移", "压缩", "校准", "建模", "增强", "筛选", "挖掘",
];

const URL_ORGS: &[&str] = &[
    "vision-lab",
    "kd-group",
    "deepmind-fan",
    "open-percept",
    "tiny-models",
    "zhang-wei",
    "li-na",
    "cvlab-x",
    "mlsys-team",
    "pixel-works",
];

const URL_REPOS: &[&str] = &[
    "distill-kit",
    "proto-align",
    "mask-kd",
    "token-prune",
    "fast-det",
    "seg-bridge",
    "cross-kd",
    "light-former",
    "echo-net",
    "nova-seg",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_text_other_seed_other_text() {
        assert_eq!(generate(30, 7), generate(30, 7));
        assert_ne!(generate(30, 7), generate(30, 8));
        assert_eq!(generate_sized(50_000, 3), generate_sized(50_000, 3));
    }

    #[test]
    fn more_papers_extend_the_same_text() {
        let short = generate(10, 42);
        let long = generate(11, 42);
        assert!(long.starts_with(&short));
    }

    #[test]
    fn paper_count_is_as_asked() {
        for n in [0, 1, 2, 17, 200] {
            assert_eq!(paper_count(&generate(n, 1)), n, "{n} papers");
        }
    }

    #[test]
    fn sizes_are_within_ten_percent() {
        for target in [10_000, 100_000, 1_000_000] {
            let text = generate_sized(target, 5);
            let ratio = text.len() as f64 / target as f64;
            assert!(
                (0.9..=1.1).contains(&ratio),
                "asked {target}, got {} ({ratio:.3})",
                text.len()
            );
        }
    }

    #[test]
    fn papers_are_about_two_and_a_half_kilobytes() {
        let text = generate(400, 11);
        let per_paper = text.len() / 400;
        assert!(
            (2_200..=3_000).contains(&per_paper),
            "{per_paper} bytes per paper"
        );
    }

    #[test]
    fn tiny_targets_still_have_one_paper() {
        assert_eq!(paper_count(&generate_sized(0, 1)), 1);
        assert_eq!(paper_count(&generate_sized(10, 1)), 1);
    }
}
