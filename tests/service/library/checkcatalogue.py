#!/usr/bin/env python3
"""What catalogue.schema.json cannot say about service/library/catalogue.json.

    checkcatalogue.py CATALOGUE.json            check it; exit 1 with every problem listed
    checkcatalogue.py --self-test CATALOGUE.json  also break copies of it in memory, one rule at a time,
                                                  and fail unless every broken copy is rejected

Rules: ids unique; every entry names at least one source and its GGUF repository's page among them;
recommendedQuant is one of its quants; quant names unique per entry and in each file name; split sets
complete, numbered 1..N with one N, all parts of one stem; approxBytes plausible for the parameter count
(1.5 to 17 bits per weight); shape consistent (heads*headDim against embd, kvHeads divides heads, experts
used <= experts, dense layers < layers, the MoE fields only on an MoE); "supported" true exactly for the
engine's architectures (llama, qwen2, qwen3, qwen3moe, gemma3, deepseek2), an unsupported entry says why,
a supported entry's shape (when it has one) names one of them, an unsupported one's none of them; a
"reasoning" entry thinks.
"""
import copy
import json
import re
import sys

SUPPORTED_ARCHITECTURES = {"llama", "qwen2", "qwen3", "qwen3moe", "gemma3", "deepseek2"}
MOE_FIELDS = ("experts", "expertsUsed", "expertFf", "sharedExperts", "denseLayers")
SPLIT = re.compile(r"^(?P<stem>.+)-(?P<k>\d{5})-of-(?P<n>\d{5})\.gguf$")
PARAMS = re.compile(r"^(?P<total>\d+(?:\.\d+)?)(?P<tu>[MBT])(?: total, (?P<active>\d+(?:\.\d+)?)(?P<au>[MBT]) active)?$")
SCALE = {"M": 1e6, "B": 1e9, "T": 1e12}


def parameter_count(text):
    """Total parameters from "8.2B" or "30.5B total, 3.3B active"; None when unreadable."""
    m = PARAMS.match(text.strip())
    if not m:
        return None
    return float(m.group("total")) * SCALE[m.group("tu")]


def check_split(where, files):
    problems = []
    parts = [SPLIT.match(f.rsplit("/", 1)[-1]) for f in files]
    if not any(parts):
        if len(files) != 1:
            problems.append(f"{where}: {len(files)} files but none is a split part (-0000k-of-0000N.gguf)")
        return problems
    if not all(parts):
        problems.append(f"{where}: split parts mixed with whole files: {files}")
        return problems
    stems = {(f.rsplit("/", 1)[0] if "/" in f else "") + "/" + p.group("stem") for f, p in zip(files, parts)}
    totals = {int(p.group("n")) for p in parts}
    numbers = [int(p.group("k")) for p in parts]
    if len(stems) != 1:
        problems.append(f"{where}: split parts of different sets: {sorted(stems)}")
    if len(totals) != 1:
        problems.append(f"{where}: split parts disagree on the count: {sorted(totals)}")
        return problems
    total = totals.pop()
    if total < 2:
        problems.append(f"{where}: a split set of {total} part")
    if numbers != list(range(1, total + 1)):
        problems.append(f"{where}: split parts {numbers} are not 1..{total} in order")
    return problems


def check_shape(where, shape, moe_expected):
    problems = []
    heads, kv, hd, embd = shape.get("heads"), shape.get("kvHeads"), shape.get("headDim"), shape.get("embd")
    if heads and kv and heads % kv:
        problems.append(f"{where}: kvHeads {kv} does not divide heads {heads}")
    if heads and kv and kv > heads:
        problems.append(f"{where}: kvHeads {kv} > heads {heads}")
    if heads and hd and embd:
        ratio = heads * hd / embd
        # Most models have heads*headDim == embd; Qwen3 and Gemma 3 widen it (up to 2x), a few narrow it.
        if not 0.25 <= ratio <= 4:
            problems.append(f"{where}: heads*headDim = {heads * hd} implausible for embd {embd}")
    if hd and not (32 <= hd <= 512):
        problems.append(f"{where}: headDim {hd} outside 32..512")
    is_moe = "experts" in shape
    if is_moe:
        if shape.get("expertsUsed", 0) > shape["experts"]:
            problems.append(f"{where}: expertsUsed {shape.get('expertsUsed')} > experts {shape['experts']}")
        if shape.get("denseLayers", 0) >= shape.get("layers", 0):
            problems.append(f"{where}: denseLayers {shape.get('denseLayers')} not below layers {shape.get('layers')}")
        if shape.get("denseLayers", 0) > 0 and not shape.get("ff"):
            problems.append(f"{where}: dense layers without a dense ff width")
    else:
        for field in MOE_FIELDS:
            if field in shape:
                problems.append(f"{where}: '{field}' on a model without experts")
        if not shape.get("ff"):
            problems.append(f"{where}: a dense model without ff")
    if moe_expected is not None and moe_expected != is_moe:
        problems.append(f"{where}: architecture {shape.get('architecture')} and the experts fields disagree")
    arch = shape.get("architecture")
    if arch == "deepseek2" and ("kvLoraRank" not in shape or "ropeDim" not in shape):
        problems.append(f"{where}: deepseek2 without kvLoraRank/ropeDim")
    if arch != "deepseek2" and ("kvLoraRank" in shape or "ropeDim" in shape or "qLoraRank" in shape):
        problems.append(f"{where}: kvLoraRank/ropeDim/qLoraRank on {arch} (only deepseek2 has MLA)")
    if arch == "deepseek2" and shape.get("headDim", 0) <= shape.get("ropeDim", 0):
        problems.append(f"{where}: deepseek2 headDim {shape.get('headDim')} must exceed ropeDim (qk_nope + qk_rope)")
    if shape.get("contextLength", 0) < 2048:
        problems.append(f"{where}: contextLength {shape.get('contextLength')} implausibly short")
    if "vocab" in shape and shape["vocab"] < 1000:
        problems.append(f"{where}: vocab {shape.get('vocab')} implausibly small")
    return problems


def check(catalogue):
    problems = []
    if not isinstance(catalogue, dict) or not isinstance(catalogue.get("entries"), list):
        return ["not a catalogue: no 'entries' array"]
    seen = {}
    for index, entry in enumerate(catalogue["entries"]):
        eid = entry.get("id", f"#{index}")
        where = f"entry '{eid}'"
        if eid in seen:
            problems.append(f"{where}: id used twice (entries {seen[eid]} and {index})")
        seen[eid] = index

        sources = entry.get("sources") or []
        if not sources:
            problems.append(f"{where}: no sources")
        if len(set(sources)) != len(sources):
            problems.append(f"{where}: a source listed twice")
        repo = entry.get("repo", "")
        if repo and not any(s.startswith(f"https://huggingface.co/{repo}") for s in sources):
            problems.append(f"{where}: no source is a page of its GGUF repository {repo}")
        for s in sources:
            if not s.startswith("https://"):
                problems.append(f"{where}: source {s} is not https")

        quants = entry.get("quants") or []
        names = [q.get("quant") for q in quants]
        if len(set(names)) != len(names):
            problems.append(f"{where}: a quant listed twice: {names}")
        if entry.get("recommendedQuant") not in names:
            problems.append(f"{where}: recommendedQuant {entry.get('recommendedQuant')} is not one of {names}")

        total = parameter_count(entry.get("parameters", ""))
        if total is None:
            problems.append(f"{where}: parameters '{entry.get('parameters')}' unreadable")
        all_files = []
        for q in quants:
            qwhere = f"{where} {q.get('quant')}"
            files = q.get("files") or []
            all_files += files
            problems += check_split(qwhere, files)
            for f in files:
                base = f.rsplit("/", 1)[-1].lower()
                qname = (q.get("quant") or "").lower()
                if qname.startswith("ud-"):
                    qname = qname[3:]
                if qname not in base.replace("-", "_") and qname not in base:
                    problems.append(f"{qwhere}: file {f} does not name its quant")
            size = q.get("approxBytes")
            if size is not None and total:
                bpw = size * 8 / total
                if not 1.5 <= bpw <= 17:
                    problems.append(f"{qwhere}: {size} bytes for {entry.get('parameters')} parameters "
                                    f"is {bpw:.2f} bits per weight (outside 1.5..17)")
        if len(set(all_files)) != len(all_files):
            problems.append(f"{where}: one file in two quants")

        if entry.get("kind") == "reasoning" and entry.get("thinking") is not True:
            problems.append(f"{where}: a reasoning model with thinking false")

        supported = entry.get("supported")
        shape = entry.get("shape")
        arch = shape.get("architecture") if shape else None
        if supported is True:
            if "unsupportedReason" in entry:
                problems.append(f"{where}: supported but gives an unsupportedReason")
            if shape and arch not in SUPPORTED_ARCHITECTURES:
                problems.append(f"{where}: supported, but the engine does not run architecture '{arch}'")
        elif supported is False:
            if not entry.get("unsupportedReason"):
                problems.append(f"{where}: unsupported without an unsupportedReason")
            if arch in SUPPORTED_ARCHITECTURES:
                problems.append(f"{where}: marked unsupported, but '{arch}' is an architecture the engine runs")
        else:
            problems.append(f"{where}: 'supported' is not a boolean")
        if shape:
            moe = {"qwen3moe": True, "deepseek2": True, "qwen3": False, "qwen2": False, "gemma3": False,
                   "llama": None}.get(arch)
            problems += check_shape(f"{where} shape", shape, moe)
    return problems


def breakages(catalogue):
    """(description, broken copy) pairs, one per rule; each must be rejected."""
    entries = catalogue["entries"]

    def first(pred):
        for i, e in enumerate(entries):
            if pred(e):
                return i
        return None

    out = []

    def broken(desc, index, change):
        if index is None:
            return
        c = copy.deepcopy(catalogue)
        change(c["entries"], index)
        out.append((desc, c))

    broken("a duplicate id", 1 if len(entries) > 1 else None,
           lambda es, i: es[i].__setitem__("id", es[0]["id"]))
    broken("no sources", 0, lambda es, i: es[i].__setitem__("sources", []))
    broken("no source from the GGUF repository", 0,
           lambda es, i: es[i].__setitem__("sources", [s for s in es[i]["sources"]
                                                       if not s.startswith("https://huggingface.co/" + es[i]["repo"])]
                                           or ["https://example.org/"]))
    broken("recommendedQuant not among the quants", 0,
           lambda es, i: es[i].__setitem__("recommendedQuant", "IQ1_S"))
    split_i = first(lambda e: any(len(q["files"]) > 1 for q in e["quants"]))
    whole_i = first(lambda e: any(len(q["files"]) == 1 for q in e["quants"]))

    def split_of(e):
        return next(q for q in e["quants"] if len(q["files"]) > 1)

    broken("a split set missing its last part", split_i, lambda es, i: split_of(es[i])["files"].pop())
    broken("a split set numbered out of order", split_i, lambda es, i: split_of(es[i])["files"].reverse())
    broken("a split set of two different counts", split_i,
           lambda es, i: split_of(es[i])["files"].__setitem__(
               0, re.sub(r"-of-(\d{5})\.gguf$", lambda m: "-of-%05d.gguf" % (int(m.group(1)) + 1),
                         split_of(es[i])["files"][0])))

    def make_split(es, i):
        q = next(q for q in es[i]["quants"] if len(q["files"]) == 1)
        stem = q["files"][0][:-5]
        q["files"] = [f"{stem}-00001-of-00003.gguf", f"{stem}-00002-of-00003.gguf"]
    broken("an incomplete split set", whole_i, make_split)
    sized_i = first(lambda e: any("approxBytes" in q for q in e["quants"]))
    broken("approxBytes of 20 bits per weight", sized_i,
           lambda es, i: next(q for q in es[i]["quants"] if "approxBytes" in q).__setitem__(
               "approxBytes", int(parameter_count(es[i]["parameters"]) * 20 / 8)))
    broken("approxBytes of 1 bit per weight", sized_i,
           lambda es, i: next(q for q in es[i]["quants"] if "approxBytes" in q).__setitem__(
               "approxBytes", int(parameter_count(es[i]["parameters"]) / 8)))
    shaped_i = first(lambda e: "shape" in e and "experts" not in e["shape"])
    broken("heads*headDim far from embd", shaped_i,
           lambda es, i: es[i]["shape"].__setitem__("headDim", 8 * es[i]["shape"]["headDim"]))
    broken("kvHeads not dividing heads", shaped_i,
           lambda es, i: es[i]["shape"].__setitem__("kvHeads", es[i]["shape"]["heads"] - 1))
    moe_i = first(lambda e: "shape" in e and "experts" in e["shape"])
    broken("expertsUsed > experts", moe_i,
           lambda es, i: es[i]["shape"].__setitem__("expertsUsed", es[i]["shape"]["experts"] + 1))
    broken("experts on a dense model", shaped_i,
           lambda es, i: es[i]["shape"].update({"experts": 8, "expertsUsed": 2, "expertFf": 1024}))
    sup_i = first(lambda e: e["supported"] and "shape" in e)
    broken("supported with an architecture the engine lacks", sup_i,
           lambda es, i: es[i]["shape"].__setitem__("architecture", "glm4"))
    broken("supported with an unsupportedReason", sup_i,
           lambda es, i: es[i].__setitem__("unsupportedReason", "contradicts supported: true"))
    reasoning_i = first(lambda e: e["kind"] == "reasoning")
    broken("a reasoning model without thinking", reasoning_i, lambda es, i: es[i].__setitem__("thinking", False))
    uns_i = first(lambda e: not e["supported"])
    broken("unsupported without a reason", uns_i, lambda es, i: es[i].pop("unsupportedReason"))
    broken("marked unsupported, architecture supported", sup_i,
           lambda es, i: es[i].update({"supported": False, "unsupportedReason": "wrongly marked as unsupported"}))
    return out


def main(argv):
    self_test = "--self-test" in argv
    paths = [a for a in argv if a != "--self-test"]
    if len(paths) != 1:
        print(__doc__)
        return 2
    with open(paths[0], encoding="utf-8") as f:
        catalogue = json.load(f)
    problems = check(catalogue)
    for p in problems:
        print("FAIL:", p)
    if problems:
        print(f"{len(problems)} problem(s) in {paths[0]}")
        return 1
    print(f"ok: {len(catalogue['entries'])} entries in {paths[0]}")
    if self_test:
        cases = breakages(catalogue)
        missed = []
        for desc, broken in cases:
            found = check(broken)
            print(("rejected" if found else "ACCEPTED") + f" (broken copy: {desc})" + (f": {found[0]}" if found else ""))
            if not found:
                missed.append(desc)
        if len(cases) < 15:
            print(f"FAIL: only {len(cases)} broken copies could be made from this catalogue")
            return 1
        if missed:
            print(f"FAIL: {len(missed)} broken copies accepted: the checker cannot fail on them")
            return 1
        print(f"ok: all {len(cases)} broken copies rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
