#!/usr/bin/env python3
"""Writes corpus.txt, the demo data set: short field-log paragraphs about a ranch, generated
from a small grammar with a fixed seed. A model can learn its spelling, words and sentence
shapes quickly, which is what the local demo needs: validation loss that visibly falls.

Regenerate with: python3 resources/demo/make_corpus.py > resources/demo/corpus.txt
"""
import random

rng = random.Random(20261125)

ANIMALS = ["horse", "mare", "colt", "foal", "steer", "heifer", "calf", "mule", "donkey", "goat", "ram", "ewe"]
COLORS = ["bay", "black", "grey", "chestnut", "roan", "white", "brown", "spotted", "dun", "palomino"]
NAMES = ["Maple", "Juniper", "Dusty", "Clover", "Pepper", "Willow", "Scout", "Hazel", "Rusty", "Sage", "Biscuit", "Ember"]
PLACES = ["north pasture", "old barn", "creek", "corral", "east fence", "water trough", "hay shed", "south field",
          "round pen", "loading chute", "cottonwood grove", "upper meadow"]
VERBS_MOVE = ["walked to", "trotted past", "grazed near", "rested by", "ran along", "waited at", "wandered toward"]
WEATHER = ["clear and cold", "windy", "warm and dry", "overcast", "wet after the rain", "foggy until noon", "hot"]
TASKS = ["mended the gate", "checked the water lines", "moved the hay", "cleaned the stalls", "fixed the fence",
         "counted the herd", "trimmed the hooves", "brushed the horses", "fed the calves", "oiled the saddles"]
PEOPLE = ["Ana", "Ben", "Cora", "Dale", "Eli", "Faye", "Gus", "Iris"]
TIMES = ["At dawn", "In the morning", "Before noon", "After lunch", "In the afternoon", "At dusk", "Late in the evening"]
FEEDS = ["two bales of hay", "a bucket of oats", "fresh alfalfa", "a scoop of grain", "salt and minerals"]


def sentence():
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.choice(TIMES)} the {rng.choice(COLORS)} {rng.choice(ANIMALS)} named {rng.choice(NAMES)} " \
               f"{rng.choice(VERBS_MOVE)} the {rng.choice(PLACES)}."
    if kind == 1:
        return f"The weather was {rng.choice(WEATHER)}."
    if kind == 2:
        return f"{rng.choice(PEOPLE)} {rng.choice(TASKS)} by the {rng.choice(PLACES)}."
    if kind == 3:
        n = rng.randrange(2, 13)
        return f"We counted {n} {rng.choice(ANIMALS)}s in the {rng.choice(PLACES)}."
    if kind == 4:
        return f"{rng.choice(NAMES)} ate {rng.choice(FEEDS)} and looked {rng.choice(['calm', 'restless', 'healthy', 'tired', 'happy'])}."
    return f"{rng.choice(PEOPLE)} and {rng.choice(PEOPLE)} {rng.choice(TASKS)} {rng.choice(TIMES).lower()}."


def paragraph(day):
    lines = [f"Day {day}."] + [sentence() for _ in range(rng.randrange(3, 7))]
    return " ".join(lines)


if __name__ == "__main__":
    print("\n\n".join(paragraph(day) for day in range(1, 1201)))
