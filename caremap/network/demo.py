"""Generate demonstration posts and child-population figures, all marked 演示.

Every street gets a 儿童督导员 post and every community a 儿童主任 post, except that some
neighbouring communities share one director post and some posts are left vacant, so the
coverage pages have gaps to show. Work phones start with 0 after the area code, which no real
line can. Child populations are invented and left unknown for some communities.
Deterministic: the same seed gives the same data.
"""

import random

from django.db import transaction

from caremap.directory.demo import DEMO_SUFFIX
from caremap.regions.models import Division, Level

from .models import ChildPopulation, Post

# Shares of the demo: vacant posts, communities served by a neighbour's director post, and
# communities whose child population is left unknown.
VACANT_SHARE = 0.06
SHARED_DIRECTOR_SHARE = 0.05
UNKNOWN_POPULATION_SHARE = 0.10


def _short(name: str) -> str:
    return name.removesuffix("居民委员会").removesuffix("居委会")


def _phone(rng: random.Random) -> tuple[str, str]:
    digits = "0" + "".join(str(rng.randrange(10)) for _ in range(7))
    return f"0755-{digits[:4]} {digits[4:]}", f"+86-755-{digits}"


def _post(rng: random.Random, kind: str, division: Division, title: str) -> Post:
    filled = rng.random() >= VACANT_SHARE
    display, tel = _phone(rng) if filled else ("", "")
    return Post(kind=kind, division=division, title=title + DEMO_SUFFIX, work_phone=display,
                work_phone_tel=tel, filled=filled, is_demo=True)


@transaction.atomic
def generate_network_demo(seed: int = 2020) -> int:
    """Replace the demo posts and populations; return the number of posts created."""
    remove_network_demo()
    rng = random.Random(seed)
    posts: list[Post] = []
    shared: list[tuple[Post, Division]] = []
    populations: list[ChildPopulation] = []
    streets = Division.objects.public().filter(level=Level.STREET).order_by("code")
    for street in streets:
        posts.append(_post(rng, Post.Kind.SUPERVISOR, street, f"{street.name}儿童督导员"))
        previous = None
        for community in street.children.public().order_by("code"):
            if previous is not None and rng.random() < SHARED_DIRECTOR_SHARE:
                shared.append((previous, community))
            else:
                previous = _post(rng, Post.Kind.DIRECTOR, community,
                                 f"{_short(community.name)}儿童主任")
                posts.append(previous)
            if rng.random() >= UNKNOWN_POPULATION_SHARE:
                populations.append(ChildPopulation(
                    division=community, children=rng.randrange(400, 6000), year=2025,
                    source="演示数据", is_demo=True,
                ))
    Post.objects.bulk_create(posts, batch_size=500)
    for post, community in shared:
        post.also_covers.add(community)
    ChildPopulation.objects.bulk_create(populations, batch_size=500)
    return len(posts)


def remove_network_demo() -> None:
    Post.objects.filter(is_demo=True).delete()
    ChildPopulation.objects.filter(is_demo=True).delete()
