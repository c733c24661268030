"""The referral state diagram, generated from the django-fsm transitions (Mermaid)."""

from __future__ import annotations

import re
from pathlib import Path

from .models import Referral, State

START = "<!-- referral-state-diagram:start (generated: make diagram) -->"
END = "<!-- referral-state-diagram:end -->"


def mermaid() -> str:
    field = Referral._meta.get_field("state")
    edges = sorted(
        {(t.source, t.target, t.name) for t in field.get_all_transitions(Referral)},
        key=lambda e: (list(State).index(e[0]), list(State).index(e[1]), e[2]),
    )
    lines = ["```mermaid", "stateDiagram-v2", f"    [*] --> {State.DRAFT}"]
    lines += [f"    {source} --> {target}: {name}" for source, target, name in edges]
    terminal = sorted({State.COMPLETED, State.CANCELLED, State.WITHDRAWN}, key=list(State).index)
    lines += [f"    {state} --> [*]" for state in terminal]
    lines.append("```")
    return "\n".join(lines)


def readme_block(readme: str) -> str | None:
    match = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), readme, re.S)
    return match.group(1) if match else None


def write_readme(path: Path) -> bool:
    """Replace the diagram in the README; True when it changed."""
    text = path.read_text(encoding="utf-8")
    if readme_block(text) is None:
        raise ValueError(f"{path} has no {START} … {END} block")
    new = re.sub(
        re.escape(START) + r"\n.*?\n" + re.escape(END),
        lambda _m: f"{START}\n{mermaid()}\n{END}",
        text,
        flags=re.S,
    )
    path.write_text(new, encoding="utf-8")
    return new != text
