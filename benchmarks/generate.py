"""A deterministic synthetic site of N papers, for the build benchmark.

    python benchmarks/generate.py OUT --papers 10000 [--seed 1]

The site follows the digest contract the way the real one does: 10 papers a digest, one digest
in ten a conference (with awards and authors), one paper in twenty picked again in a later
digest, about 60 tags, and per paper ≈ 800/1,000 characters of Korean/English introduction and
≈ 900/1,400 of abstract with bullets, bold text and, in one abstract in ten, inline math. One
digest in five is written in the Markdown form. Every paper has an arXiv ID with a record in
``arxiv.lock.json``, as after ``papersite enrich``. The same seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

PAPERS_PER_DIGEST = 10
CONFERENCE_EVERY = 10
REPICK_EVERY = 20
CONFERENCES = ("NeurIPS", "ICML", "ICLR", "CVPR", "ACL", "EMNLP", "AAAI", "COLT")

TAGS = [
    "llm", "reasoning", "reinforcement-learning", "agents", "memory", "scaling-laws", "survey",
    "efficiency", "reward-models", "generative-models", "diffusion-models", "3d", "attention",
    "architecture", "graph-neural-networks", "benchmarks", "evaluation", "generalization",
    "learning-theory", "online-learning", "self-supervised-learning", "interpretability",
    "ai-safety", "alignment", "multimodal", "vision", "speech", "robotics", "retrieval", "rag",
    "code-generation", "math", "optimization", "quantization", "distillation", "pruning",
    "long-context", "tokenization", "pretraining", "fine-tuning", "instruction-tuning",
    "preference-optimization", "world-models", "video", "audio", "datasets", "privacy",
    "federated-learning", "causal-inference", "time-series", "tabular", "recommendation",
    "theory", "mixture-of-experts", "state-space-models", "inference", "hardware", "science",
    "medicine", "education",
]  # fmt: skip

EN_WORDS = (
    "model language large training reasoning agents memory reward policy gradient attention "
    "transformer scaling efficient benchmark evaluation data synthetic learning representation "
    "retrieval context long inference latency quantization distillation sparse expert mixture "
    "diffusion generation image video multimodal alignment safety robust generalization "
    "optimization loss objective method approach results experiments performance accuracy "
    "baseline state-of-the-art framework system pipeline architecture layer token sequence "
    "sampling decoding search planning tool environment feedback human preference"
).split()
KO_WORDS = (
    "모델 언어 대규모 학습 추론 에이전트 메모리 보상 정책 기울기 어텐션 트랜스포머 확장 효율적인 "
    "벤치마크 평가 데이터 합성 표현 검색 문맥 긴 지연 양자화 증류 희소 전문가 혼합 확산 생성 이미지 "
    "비디오 멀티모달 정렬 안전성 견고한 일반화 최적화 손실 목표 방법 접근 결과 실험 성능 정확도 "
    "기준선 최신 프레임워크 시스템 파이프라인 구조 계층 토큰 시퀀스 샘플링 디코딩 탐색 계획 도구 환경 "
    "피드백 인간 선호"
).split()
KO_ENDINGS = (
    "합니다.",
    "을 제안합니다.",
    "를 보여줍니다.",
    "을 개선합니다.",
    "에 대해 논의합니다.",
)
MATH = (
    r"$O(n \log n)$",
    r"$\alpha = 0.5$",
    r"$x^2 + y^2$",
    r"$\sum_i p_i = 1$",
    r"$\mathbb{E}[X]$",
)


@dataclass
class Paper:
    number: int
    arxiv: str
    published: dt.date
    en_title: str
    ko_title: str
    tags: list[str]


class TextMaker:
    """Sentences and paragraphs of plausible ML prose, from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, korean: bool) -> str:
        words = self.rng.choices(KO_WORDS if korean else EN_WORDS, k=self.rng.randint(8, 16))
        if self.rng.random() < 0.3:
            index = self.rng.randrange(len(words))
            words[index] = f"**{words[index]}**"
        if korean:
            return " ".join(words) + self.rng.choice(KO_ENDINGS)
        return (" ".join(words) + ".").capitalize()

    def text(self, korean: bool, characters: int, *, bullets: bool, math: bool = False) -> str:
        """About ``characters`` characters: a paragraph, then bullets when asked."""
        paragraph: list[str] = []
        items: list[str] = []
        length = 0
        while length < characters:
            sentence = self.sentence(korean)
            if bullets and length > characters // 2:
                items.append("- " + sentence)
            else:
                paragraph.append(sentence)
            length += len(sentence) + 1
        if math:
            paragraph.insert(1, f"We bound the cost by {self.rng.choice(MATH)}.")
        blocks = [" ".join(paragraph)] + (["\n".join(items)] if items else [])
        return "\n\n".join(blocks) + "\n"

    def title(self) -> tuple[str, str]:
        en = " ".join(self.rng.choices(EN_WORDS, k=self.rng.randint(4, 9))).title()
        ko = " ".join(self.rng.choices(KO_WORDS, k=self.rng.randint(3, 7)))
        return ko, en


def make_papers(count: int, rng: random.Random) -> list[Paper]:
    maker = TextMaker(rng)
    papers = []
    for number in range(count):
        # Spread over 2015-2025 whatever the count: real five-digit new-style IDs.
        published = dt.date(2015, 1, 5) + dt.timedelta(days=number * 3900 // count)
        arxiv = f"{published:%y%m}.{number % 99999 + 1:05d}"  # numbers start at 00001
        ko, en = maker.title()
        tags = sorted(set(rng.sample(TAGS, rng.randint(2, 4))))
        papers.append(Paper(number, arxiv, published, f"{en} ({number})", f"{ko} ({number})", tags))
    return papers


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: str) -> str:
    """A YAML literal block scalar of ``text`` at ``indent``."""
    lines = [(indent + line) if line else "" for line in text.rstrip("\n").split("\n")]
    return "|\n" + "\n".join(lines)


def entry_fields(paper: Paper, maker: TextMaker, conference: bool) -> dict[str, str]:
    """The paper's texts: what each entry of it in a digest carries."""
    math = paper.number % 10 == 0
    return {
        "summary.ko": maker.text(True, 800, bullets=True),
        "summary.en": maker.text(False, 1000, bullets=True),
        "abstract.ko": maker.text(True, 900, bullets=False, math=math),
        "abstract.en": maker.text(False, 1400, bullets=False, math=math),
        "award": ("best-paper" if paper.number % 3 == 0 else "runner-up") if conference else "",
    }


def yaml_entry(paper: Paper, texts: dict[str, str]) -> str:
    lines = [
        f"  - title: {{ko: {quoted(paper.ko_title)}, en: {quoted(paper.en_title)}}}",
        f'    arxiv: "{paper.arxiv}"',
    ]
    if texts["award"]:
        lines.append(f"    award: {texts['award']}")
    for field in ("summary", "abstract"):
        lines.append(f"    {field}:")
        for lang in ("ko", "en"):
            lines.append(f"      {lang}: " + block(texts[f"{field}.{lang}"], "        "))
    lines += [
        "    links:",
        f'      - {{kind: paper, url: "https://arxiv.org/abs/{paper.arxiv}"}}',
        f'      - {{kind: code, url: "https://github.com/example/paper-{paper.number}"}}',
        f"    tags: [{', '.join(paper.tags)}]",
    ]
    return "\n".join(lines)


def markdown_entry(paper: Paper, texts: dict[str, str]) -> str:
    fields = [
        "title:",
        f"  ko: {quoted(paper.ko_title)}",
        f"  en: {quoted(paper.en_title)}",
        f'arxiv: "{paper.arxiv}"',
        *([f"award: {texts['award']}"] if texts["award"] else []),
        "links:",
        f'  - {{kind: paper, url: "https://arxiv.org/abs/{paper.arxiv}"}}',
        f"tags: [{', '.join(paper.tags)}]",
    ]
    parts = [f"## {paper.en_title}", "", "```yaml", *fields, "```", ""]
    for field in ("summary", "abstract"):
        parts += [f"### {field.capitalize()}", ""]
        for lang in ("ko", "en"):
            parts += [f"#### {lang}", "", texts[f"{field}.{lang}"].rstrip("\n"), ""]
    return "\n".join(parts)


def digest_header(index: int, conference: bool, overview: dict[str, str]) -> tuple[str, str]:
    """The digest's own fields as YAML lines, and its file path under ``digests/``."""
    if conference:
        name = CONFERENCES[(index // CONFERENCE_EVERY) % len(CONFERENCES)]
        year = 1990 + (index // CONFERENCE_EVERY) // len(CONFERENCES)
        date = dt.date(year, 12, 1)
        lines = [
            "kind: conference",
            f'conference: {{name: {name}, year: {year}, url: "https://example.org/{name.lower()}"}}',
            f"date: {date}",
            f'title: {{ko: "{name} {year} 수상 논문", en: "{name} {year} Best Papers"}}',
        ]
        path = f"conferences/{name.lower()}-{year}"
    else:
        start = dt.date(2008, 1, 7) + dt.timedelta(weeks=index)
        lines = [
            "kind: weekly",
            f"period: {{start: {start}, end: {start + dt.timedelta(days=6)}}}",
            'title: {ko: "이번 주의 주요 ML 논문", en: "Top ML Papers of the Week"}',
        ]
        path = f"weekly/{start}"
    lines.append("overview:")
    for lang in ("ko", "en"):
        lines.append(f"  {lang}: " + block(overview[lang], "    "))
    return "\n".join(lines), path


def digest_file(
    index: int, picks: list[Paper], conference: bool, rng: random.Random
) -> tuple[str, str]:
    """``(relative path, text)`` of one digest."""
    maker = TextMaker(rng)
    overview = {
        "ko": maker.text(True, 400, bullets=True),
        "en": maker.text(False, 500, bullets=True),
    }
    header, path = digest_header(index, conference, overview)
    tags = sorted({tag for paper in picks for tag in paper.tags})[:6]
    header += f"\ntags: [{', '.join(tags)}]"
    entries = [(paper, entry_fields(paper, maker, conference)) for paper in picks]
    if index % 5 == 4:
        body = "\n".join(markdown_entry(paper, texts) for paper, texts in entries)
        return f"digests/{path}.md", f"---\n{header}\n---\n\n# {path}\n\n{body}"
    body = "\n".join(yaml_entry(paper, texts) for paper, texts in entries)
    return f"digests/{path}.yaml", f"{header}\npapers:\n{body}\n"


def lock_record(paper: Paper, rng: random.Random) -> dict[str, object]:
    authors = [f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(2, 8))]
    category = rng.choice(["cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML"])
    return {
        "arxiv": {
            "abstract": "",
            "authors": authors,
            "categories": [category],
            "comment": None,
            "doi": None,
            "fetched": "2026-01-01T00:00:00Z",
            "id": paper.arxiv,
            "journal_ref": None,
            "primary_category": category,
            "published": paper.published.isoformat(),
            "resolved_from_title": None,
            "title": paper.en_title,
            "updated": None,
            "version": None,
            "withdrawn": False,
        },
        "semantic_scholar": None,
    }


def config_text() -> str:
    return "\n".join(
        [
            'title: {ko: "벤치마크 사이트", en: "Benchmark site"}',
            'description: {ko: "합성 벤치마크", en: "A synthetic benchmark"}',
            'base_url: "https://example.github.io/bench/"',
            "languages: [ko, en]",
            "tags:",
            *[f"  - {tag}" for tag in TAGS],
            "",
        ]
    )


def generate(out: Path, papers: int, seed: int = 1) -> int:
    """Write the site into ``out`` (replacing the generated files); returns the digest count."""
    rng = random.Random(seed)
    pool = make_papers(papers, rng)
    if (out / "digests").exists():
        shutil.rmtree(out / "digests")
    out.mkdir(parents=True, exist_ok=True)
    (out / "papersite.yaml").write_text(config_text(), encoding="utf-8")
    digests = 0
    queue = list(pool)
    picked: list[Paper] = []
    while queue:
        # One pick in twenty is a paper from an earlier digest (a weekly pick that later wins).
        picks: list[Paper] = []
        while queue and len(picks) < PAPERS_PER_DIGEST:
            if picked and len(picked) % REPICK_EVERY == REPICK_EVERY - 1 and len(picks) > 0:
                earlier = rng.choice(picked[:-PAPERS_PER_DIGEST] or picked)
                if earlier not in picks:
                    picks.append(earlier)
                    picked.append(earlier)
                    continue
            paper = queue.pop(0)
            picks.append(paper)
            picked.append(paper)
        conference = digests % CONFERENCE_EVERY == CONFERENCE_EVERY - 1
        relative, text = digest_file(digests, picks, conference, rng)
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        digests += 1
    lock = {"format": 1, "papers": {p.arxiv: lock_record(p, rng) for p in pool}}
    (out / "arxiv.lock.json").write_text(
        json.dumps(lock, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the site into")
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    digests = generate(args.out, args.papers, args.seed)
    print(f"{args.out}: {digests} digests, {args.papers} papers")


if __name__ == "__main__":
    main()
