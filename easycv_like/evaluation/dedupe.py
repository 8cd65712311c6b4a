"""Dropping the repeated samples that distributed evaluation pads the last batch with."""


def drop_repeats(results: list, key: str) -> list:
    """Keep the first result of each ``key`` value (``img_id``, ``sample_idx``): a distributed
    sampler repeats samples to fill the last batch, and those must not count twice."""
    seen, kept = set(), []
    for result in results:
        if result[key] not in seen:
            seen.add(result[key])
            kept.append(result)
    return kept
