"""`make bench`: print measured figures (page weight; bot latency, memory and training time)."""

from __future__ import annotations

import sys

from rightsinfo.content import TOPICS
from rightsinfo.render import BUILD
from rightsinfo.weight import heaviest

BUDGET_KB, AIM_KB = 90, 70


def page_weight() -> int:
    site = BUILD / "site"
    url, total, sizes = heaviest(site, TOPICS)
    print(f"page weight: heaviest topic page {url}: {total / 1024:.1f} KB gzip "
          f"(budget {BUDGET_KB} KB, aim {AIM_KB} KB)")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
        print(f"    {size / 1024:6.1f} KB  {name}")
    return 0 if total <= BUDGET_KB * 1024 else 1


def main() -> int:
    status = page_weight()
    try:
        from bot.bench import main as bot_bench
    except ImportError:
        print("bot: no benchmark yet", file=sys.stderr)
        return status
    return bot_bench() or status
