"""The independent reference for tests/translation/eval: sacrebleu's own figures on the same files.

  python sacrebleu_reference.py metrics HYP REF [REF...]   corpus and sentence scores for every setting
  python sacrebleu_reference.py tokenize FILE...           each BLEU tokenizer's output for every line
  python sacrebleu_reference.py chars                      str.isspace(), str.lower(), zh's Chinese characters

Files are read as sacrebleu's command line reads them (sacrebleu.utils.smart_open, each line rstripped).
Prints one JSON object; floats at full precision (repr), so the test can compare to 1e-6 and closer.
"""
import json
import sys
import unicodedata

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh
from sacrebleu.utils import smart_open

# Every setting the C++ test scores too; the test fails on a name it does not know or one missing here.
CHRF_SETTINGS = {
    "chrf": {},
    "chrf++": {"word_order": 2},
    "chrf-eps": {"eps_smoothing": True},
    "chrf++-eps": {"word_order": 2, "eps_smoothing": True},
    "chrf-lc": {"lowercase": True},
    "chrf-space": {"whitespace": True},
    "chrf-beta1-c4": {"beta": 1, "char_order": 4},
}
BLEU_SETTINGS = {
    "bleu": {},
    "bleu-none": {"tokenize": "none"},
    "bleu-zh": {"tokenize": "zh"},
    "bleu-intl": {"tokenize": "intl"},
    "bleu-char": {"tokenize": "char"},
    "bleu-lc": {"lowercase": True},
    "bleu-floor": {"smooth_method": "floor"},
    "bleu-add-k": {"smooth_method": "add-k"},
    "bleu-nosmooth": {"smooth_method": "none"},
    "bleu-eff": {"effective_order": True},
    "bleu-order2": {"max_ngram_order": 2},
}
TOKENIZERS = ["none", "13a", "zh", "intl", "char"]


def read(path):
    return [line.rstrip() for line in smart_open(path)]


def chrf_json(score, metric):
    return {"score": score.score, "name": score.name, "signature": str(metric.get_signature()),
            "text": score.format(width=1, signature=str(metric.get_signature())),
            "json": score.format(width=2, signature=str(metric.get_signature()), is_json=True)}


def bleu_json(score, metric):
    return {"score": score.score, "precisions": list(score.precisions), "bp": score.bp,
            "sys_len": score.sys_len, "ref_len": score.ref_len, "signature": str(metric.get_signature()),
            "text": score.format(width=1, signature=str(metric.get_signature())),
            "json": score.format(width=2, signature=str(metric.get_signature()), is_json=True)}


def metrics(hyp_path, ref_paths):
    hyps = read(hyp_path)
    refs = [read(p) for p in ref_paths]
    out = {"segments": len(hyps), "corpus": {}, "sentence": {}}
    for name, kwargs in CHRF_SETTINGS.items():
        metric = CHRF(**kwargs)
        out["corpus"][name] = chrf_json(metric.corpus_score(hyps, refs), metric)
        out["sentence"][name] = [metric.sentence_score(h, [r[i] for r in refs]).score for i, h in enumerate(hyps)]
    for name, kwargs in BLEU_SETTINGS.items():
        metric = BLEU(**kwargs)
        out["corpus"][name] = bleu_json(metric.corpus_score(hyps, refs), metric)
        # sentence_bleu's default: effective order on
        sentence = BLEU(**{"effective_order": True, **kwargs})
        out["sentence"][name] = [sentence.sentence_score(h, [r[i] for r in refs]).score
                                 for i, h in enumerate(hyps)]
    return out


def tokenize(paths):
    out = {}
    for name in TOKENIZERS:
        tok = BLEU(tokenize=name).tokenizer
        out[name] = {p: [tok(line) for line in read(p)] for p in paths}
    return out


def chars():
    zh = TokenizerZh._is_chinese_char
    # str.lower() of every assigned character it changes (ICU knows a newer Unicode: unassigned ones differ)
    lower = {str(c): chr(c).lower() for c in range(sys.maxunicode + 1)
             if unicodedata.category(chr(c)) != "Cn" and chr(c).lower() != chr(c)}
    return {"isspace": [c for c in range(sys.maxunicode + 1) if chr(c).isspace()],
            "zh": [c for c in range(sys.maxunicode + 1) if zh(chr(c))], "lower": lower}


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    result = {"metrics": lambda: metrics(args[0], args[1:]), "tokenize": lambda: tokenize(args),
              "chars": chars}[command]()
    result["version"] = sacrebleu.__version__
    json.dump(result, sys.stdout)  # ASCII: whatever the locale's encoding
