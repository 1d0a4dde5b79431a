"""Random run names in MLflow's style: ``<adjective>-<animal>-<number>``."""

from __future__ import annotations

import random

# fmt: off
ADJECTIVES: tuple[str, ...] = (
    "able", "agile", "amber", "ample", "aqua", "ardent", "astute", "awake", "bold", "brave",
    "breezy", "bright", "brisk", "calm", "candid", "caring", "civil", "clean", "clever",
    "cosmic", "cozy", "crisp", "curious", "daring", "dapper", "deft", "eager", "earnest",
    "easy", "epic", "fair", "fancy", "fast", "fearless", "fine", "fleet", "fond", "free",
    "fresh", "funny", "gentle", "giddy", "glad", "golden", "grand", "great", "happy",
    "hardy", "hearty", "honest", "humble", "jolly", "jovial", "keen", "kind", "lively",
    "loyal", "lucid", "lucky", "merry", "mighty", "mellow", "modest", "neat", "nimble",
    "noble", "plucky", "polite", "proud", "quick", "quiet", "rapid", "ready", "regal",
    "robust", "rosy", "rustic", "sassy", "serene", "sharp", "shiny", "silent", "sleek",
    "smart", "snappy", "solid", "spry", "steady", "stellar", "sturdy", "sunny", "swift",
    "tidy", "tender", "upbeat", "valiant", "vivid", "warm", "wise", "witty", "zesty",
)

ANIMALS: tuple[str, ...] = (
    "ant", "ape", "asp", "auk", "bass", "bat", "bear", "bee", "bison", "boar", "bug",
    "calf", "camel", "carp", "cat", "clam", "colt", "conch", "cow", "crab", "crane", "crow",
    "cub", "deer", "doe", "dog", "dove", "duck", "eagle", "eel", "elk", "emu", "ewe",
    "fawn", "finch", "fish", "fly", "foal", "fox", "frog", "gnat", "gnu", "goat", "goose",
    "grouse", "gull", "hare", "hawk", "hen", "heron", "hog", "horse", "hound", "ibis",
    "jay", "kid", "kite", "koala", "lamb", "lark", "lemur", "lion", "llama", "loon", "lynx",
    "mink", "mole", "moose", "moth", "mouse", "mule", "newt", "okapi", "orca", "otter",
    "owl", "ox", "panda", "perch", "pig", "pike", "pony", "pug", "quail", "ram", "rat",
    "ray", "robin", "seal", "shark", "sheep", "shrew", "skunk", "sloth", "snail", "snake",
    "squid", "stork", "swan", "tapir", "toad", "trout", "wasp", "whale", "wolf", "wren",
    "yak", "zebra",
)
# fmt: on

MAX_RUN_NAME_LENGTH = 20


def generate_run_name() -> str:
    """A random name such as ``brave-otter-417``: at most 20 characters."""
    adjective = random.choice(ADJECTIVES)
    animal = random.choice(ANIMALS)
    return f"{adjective}-{animal}-{random.randint(0, 999)}"
