"""Trains the station's utterance coder on AnnoMI and exports it to ONNX.

The model is all-MiniLM-L6-v2 (a six-layer BERT) fine-tuned end to end, read from its safetensors
file and run by a small BERT written here, so no other model library is needed. Its input is the
trainee's utterance and, as the second segment, the patient's previous line:

    [CLS] utterance (at most 96 word pieces) [SEP] previous line (its last 32 word pieces) [SEP]

It has two heads on the mean of the last layer's token vectors:
- `fine`: open question, closed question, simple reflection, complex reflection, input, other;
  the four main behaviours are sums of these probabilities;
- `input_kind`: information, advice, negotiation or options (trained on input utterances only).

The exported graph ends in softmax(logits / T), where the temperature T of each head is fitted on
the validation transcripts. It is then quantized to int8 (weights) with ONNX Runtime.

Splits are by transcript (see `split_of`), the same rule the station's `rapport bench coder` uses.
Everything is seeded and runs on a fixed number of CPU threads.

Usage: train.py --data DIR --minilm DIR --out DIR
"""

import argparse
import csv
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict

import numpy as np
import torch
from safetensors.numpy import load_file
from tokenizers import Tokenizer

FINE = ["open_question", "closed_question", "simple_reflection", "complex_reflection", "input", "other"]
MAIN = ["question", "reflection", "input", "other"]
FINE_TO_MAIN = [0, 0, 1, 1, 2, 3]
KINDS = ["information", "advice", "negotiation_or_options"]
MAX_UTTERANCE = 96
MAX_PREVIOUS = 32
CLS, SEP = 101, 102
MODEL_FILE = "coder-minilm-annomi.onnx"


def split_of(transcript_id: int) -> str:
    """Transcript-disjoint split: a fifth for test, a tenth for validation, the rest for training."""
    if transcript_id % 5 == 0:
        return "test"
    if transcript_id % 10 == 3:
        return "validation"
    return "train"


def asr_shape(text: str) -> str:
    """Text the way a speech recogniser may write it: lower case, no punctuation but apostrophes."""
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def load(data_dir: str):
    """Therapist utterances with their fine label, input kind and the patient's previous line."""
    rows = list(csv.DictReader(open(os.path.join(data_dir, "AnnoMI-full.csv"), newline="", encoding="utf-8")))
    by_utterance = defaultdict(list)
    for row in rows:
        by_utterance[(int(row["transcript_id"]), int(row["utterance_id"]))].append(row)
    items = []
    last_client = {}
    for key in sorted(by_utterance):
        transcript, _ = key
        annotations = by_utterance[key]
        first = annotations[0]
        if first["interlocutor"] == "client":
            last_client[transcript] = first["utterance_text"]
            continue
        # Majority over annotators (ties broken by name, so the result is stable).
        main = sorted(Counter(a["main_therapist_behaviour"] for a in annotations).items(),
                      key=lambda kv: (-kv[1], kv[0]))[0][0]
        agreeing = [a for a in annotations if a["main_therapist_behaviour"] == main]
        kind = None
        if main == "question":
            sub = majority(a["question_subtype"] for a in agreeing)
            fine = "open_question" if sub == "open" else "closed_question"
        elif main == "reflection":
            sub = majority(a["reflection_subtype"] for a in agreeing)
            fine = "complex_reflection" if sub == "complex" else "simple_reflection"
        elif main == "therapist_input":
            fine = "input"
            sub = majority(a["therapist_input_subtype"] for a in agreeing)
            kind = {"information": 0, "advice": 1, "negotiation": 2, "options": 2}.get(sub)
        else:
            fine = "other"
        items.append({
            "transcript": transcript,
            "text": first["utterance_text"],
            "previous": last_client.get(transcript, ""),
            "fine": FINE.index(fine),
            "kind": -1 if kind is None else kind,
        })
    return items


def majority(values):
    counts = Counter(v for v in values if v and v != "n/a")
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def encode(tokenizer: Tokenizer, text: str, previous: str):
    """Word-piece ids and segment ids, exactly as the station's Rust coder builds them."""
    utterance = tokenizer.encode(text, add_special_tokens=False).ids[:MAX_UTTERANCE]
    before = tokenizer.encode(previous, add_special_tokens=False).ids[-MAX_PREVIOUS:] if previous else []
    ids = [CLS] + utterance + [SEP]
    types = [0] * len(ids)
    if before:
        ids += before + [SEP]
        types += [1] * (len(before) + 1)
    return ids, types


class Bert(torch.nn.Module):
    """The BERT encoder of all-MiniLM-L6-v2 with mean pooling and the coder's two heads."""

    def __init__(self, weights, layers=6, hidden=384, heads=12, dropout=0.1):
        super().__init__()
        self.heads = heads
        self.word = torch.nn.Embedding(30522, hidden)
        self.position = torch.nn.Embedding(512, hidden)
        self.segment = torch.nn.Embedding(2, hidden)
        self.norm = torch.nn.LayerNorm(hidden, eps=1e-12)
        self.layers = torch.nn.ModuleList()
        for _ in range(layers):
            layer = torch.nn.Module()
            layer.q = torch.nn.Linear(hidden, hidden)
            layer.k = torch.nn.Linear(hidden, hidden)
            layer.v = torch.nn.Linear(hidden, hidden)
            layer.o = torch.nn.Linear(hidden, hidden)
            layer.norm1 = torch.nn.LayerNorm(hidden, eps=1e-12)
            layer.up = torch.nn.Linear(hidden, 4 * hidden)
            layer.down = torch.nn.Linear(4 * hidden, hidden)
            layer.norm2 = torch.nn.LayerNorm(hidden, eps=1e-12)
            self.layers.append(layer)
        self.drop = torch.nn.Dropout(dropout)
        self.fine = torch.nn.Linear(hidden, len(FINE))
        self.kind = torch.nn.Linear(hidden, len(KINDS))
        self.load_minilm(weights)

    def load_minilm(self, w):
        t = lambda name: torch.from_numpy(w[name].copy())
        with torch.no_grad():
            self.word.weight.copy_(t("embeddings.word_embeddings.weight"))
            self.position.weight.copy_(t("embeddings.position_embeddings.weight"))
            self.segment.weight.copy_(t("embeddings.token_type_embeddings.weight"))
            self.norm.weight.copy_(t("embeddings.LayerNorm.weight"))
            self.norm.bias.copy_(t("embeddings.LayerNorm.bias"))
            names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
                     "o": "attention.output.dense", "norm1": "attention.output.LayerNorm",
                     "up": "intermediate.dense", "down": "output.dense", "norm2": "output.LayerNorm"}
            for i, layer in enumerate(self.layers):
                for ours, theirs in names.items():
                    module = getattr(layer, ours)
                    module.weight.copy_(t(f"encoder.layer.{i}.{theirs}.weight"))
                    module.bias.copy_(t(f"encoder.layer.{i}.{theirs}.bias"))

    def forward(self, input_ids, attention_mask, token_type_ids):
        batch, length = input_ids.shape
        positions = torch.arange(length, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.segment(token_type_ids)
        x = self.drop(self.norm(x))
        mask = attention_mask.to(x.dtype)
        bias = (1.0 - mask)[:, None, None, :] * -10000.0
        head = x.shape[-1] // self.heads
        for layer in self.layers:
            split = lambda y: y.view(batch, length, self.heads, head).transpose(1, 2)
            q, k, v = split(layer.q(x)), split(layer.k(x)), split(layer.v(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head) + bias
            attention = self.drop(torch.softmax(scores, dim=-1))
            context = torch.matmul(attention, v).transpose(1, 2).reshape(batch, length, -1)
            x = layer.norm1(x + self.drop(layer.o(context)))
            x = layer.norm2(x + self.drop(layer.down(torch.nn.functional.gelu(layer.up(x)))))
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1.0)
        pooled = self.drop(pooled)
        return self.fine(pooled), self.kind(pooled)


class Exported(torch.nn.Module):
    """What the ONNX file computes: calibrated probabilities of both heads."""

    def __init__(self, model, fine_temperature, kind_temperature):
        super().__init__()
        self.model = model
        self.register_buffer("tf", torch.tensor(fine_temperature, dtype=torch.float32))
        self.register_buffer("tk", torch.tensor(kind_temperature, dtype=torch.float32))

    def forward(self, input_ids, attention_mask, token_type_ids):
        fine, kind = self.model(input_ids, attention_mask, token_type_ids)
        return torch.softmax(fine / self.tf, dim=-1), torch.softmax(kind / self.tk, dim=-1)


def batch_tensors(encoded):
    length = max(len(ids) for ids, _ in encoded)
    ids = torch.zeros((len(encoded), length), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for row, (i, t) in enumerate(encoded):
        ids[row, : len(i)] = torch.tensor(i)
        types[row, : len(t)] = torch.tensor(t)
        mask[row, : len(i)] = 1
    return ids, mask, types


def logits_of(model, tokenizer, items, shape=lambda s: s, batch=64):
    model.eval()
    fine_out, kind_out = [], []
    order = sorted(range(len(items)), key=lambda i: len(items[i]["text"]))
    with torch.no_grad():
        for start in range(0, len(order), batch):
            chunk = [items[i] for i in order[start : start + batch]]
            enc = [encode(tokenizer, shape(it["text"]), shape(it["previous"])) for it in chunk]
            f, k = model(*batch_tensors(enc))
            fine_out.append(f)
            kind_out.append(k)
    fine = torch.cat(fine_out).numpy()
    kind = torch.cat(kind_out).numpy()
    back = np.argsort(order)
    return fine[back], kind[back]


def softmax(x, t=1.0):
    z = x / t
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits, labels):
    """The temperature that minimises the negative log-likelihood (a fixed grid: deterministic)."""
    best = (float("inf"), 1.0)
    for t in np.arange(0.5, 5.0001, 0.01):
        p = softmax(logits, t)[np.arange(len(labels)), labels]
        nll = -np.log(np.clip(p, 1e-12, 1)).mean()
        if nll < best[0]:
            best = (nll, float(round(t, 2)))
    return best[1]


def decide(fine_probs):
    """Main behaviour (sum of its fine classes), then the most likely fine class within it."""
    main_probs = np.stack([fine_probs[:, 0] + fine_probs[:, 1], fine_probs[:, 2] + fine_probs[:, 3],
                           fine_probs[:, 4], fine_probs[:, 5]], axis=1)
    main = main_probs.argmax(1)
    fine = np.empty_like(main)
    for i, m in enumerate(main):
        members = [f for f in range(len(FINE)) if FINE_TO_MAIN[f] == m]
        fine[i] = max(members, key=lambda f: fine_probs[i, f])
    return main_probs, main, fine


def f1_report(truth, predicted, names):
    per = {}
    for c, name in enumerate(names):
        tp = int(((predicted == c) & (truth == c)).sum())
        fp = int(((predicted == c) & (truth != c)).sum())
        fn = int(((predicted != c) & (truth == c)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        per[name] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return sum(per.values()) / len(per), per


def ece(confidence, correct, bins=10):
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = (confidence > lo) & (confidence <= hi) if b else (confidence >= lo) & (confidence <= hi)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def evaluate(fine_probs, items):
    truth_fine = np.array([it["fine"] for it in items])
    truth_main = np.array([FINE_TO_MAIN[f] for f in truth_fine])
    main_probs, main, fine = decide(fine_probs)
    main_f1, main_per = f1_report(truth_main, main, MAIN)
    fine_f1, fine_per = f1_report(truth_fine, fine, FINE)
    return {
        "main_macro_f1": main_f1, "main_f1": main_per,
        "fine_macro_f1": fine_f1, "fine_f1": fine_per,
        "main_ece": ece(main_probs.max(1), main == truth_main),
        "fine_ece": ece(fine_probs[np.arange(len(fine)), fine], fine == truth_fine),
        "utterances": len(items),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--minilm", required=True, help="folder with model.safetensors and tokenizer.json")
    parser.add_argument("--out", required=True)
    parser.add_argument("--work", required=True, help="folder for reports and the fixture")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    started = time.time()
    tokenizer = Tokenizer.from_file(os.path.join(args.minilm, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    items = load(args.data)
    splits = defaultdict(list)
    for it in items:
        splits[split_of(it["transcript"])].append(it)
    print("utterances:", {k: len(v) for k, v in splits.items()},
          "transcripts:", {k: len({i["transcript"] for i in v}) for k, v in splits.items()}, flush=True)
    train = splits["train"]

    model = Bert(load_file(os.path.join(args.minilm, "model.safetensors")))
    # The word-piece table (a third of the weights) stays as pre-trained: faster, and the corpus
    # is too small to move it usefully.
    model.word.weight.requires_grad_(False)
    counts = Counter(it["fine"] for it in train)
    weights = torch.tensor([(max(counts.values()) / counts[c]) ** 0.5 for c in range(len(FINE))], dtype=torch.float32)
    fine_loss = torch.nn.CrossEntropyLoss(weight=weights)
    kind_loss = torch.nn.CrossEntropyLoss(ignore_index=-1)
    batch_size = 16
    pool = batch_size * 20
    per_epoch = sum(math.ceil(min(pool, len(train) - start) / batch_size) for start in range(0, len(train), pool))
    steps = args.epochs * per_epoch
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    warmup = steps // 10
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (steps - s) / (steps - warmup)))
    augment = random.Random(args.seed)

    best = (-1.0, None, -1)
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(train)))
        augment.shuffle(order)
        # Batches of similar length (less padding): sort within pools of 20 batches, then shuffle.
        batches = []
        for start in range(0, len(order), pool):
            group = sorted(order[start : start + pool], key=lambda i: (len(train[i]["text"]), i))
            batches += [group[b : b + batch_size] for b in range(0, len(group), batch_size)]
        augment.shuffle(batches)
        total = 0.0
        for step, members in enumerate(batches):
            chunk = [train[i] for i in members]
            enc = []
            for it in chunk:
                # Half the time, train on the text as a recogniser would write it.
                shaped = augment.random() < 0.5
                shape = asr_shape if shaped else (lambda s: s)
                enc.append(encode(tokenizer, shape(it["text"]), shape(it["previous"])))
            fine, kind = model(*batch_tensors(enc))
            loss = fine_loss(fine, torch.tensor([it["fine"] for it in chunk]))
            kinds = torch.tensor([it["kind"] for it in chunk])
            if (kinds >= 0).any():
                loss = loss + 0.5 * kind_loss(kind, kinds)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * len(chunk)
            if step % 50 == 0:
                print(f"  step {step}/{len(batches)} ({time.time() - started:.0f} s)", flush=True)
        val_fine, _ = logits_of(model, tokenizer, splits["validation"])
        val = evaluate(softmax(val_fine), splits["validation"])
        score = val["main_macro_f1"] + val["fine_macro_f1"]
        print(f"epoch {epoch + 1}: loss {total / len(train):.4f} validation main {val['main_macro_f1']:.3f} "
              f"fine {val['fine_macro_f1']:.3f} ({time.time() - started:.0f} s)", flush=True)
        if score > best[0]:
            best = (score, {k: v.detach().clone() for k, v in model.state_dict().items()}, epoch + 1)
    model.load_state_dict(best[1])
    print(f"kept epoch {best[2]} (best on validation)", flush=True)

    # Temperatures from the validation transcripts, on raw and recogniser-shaped text alike.
    val_items = splits["validation"]
    vf, vk = logits_of(model, tokenizer, val_items)
    vfa, vka = logits_of(model, tokenizer, val_items, asr_shape)
    labels = np.array([it["fine"] for it in val_items])
    fine_t = fit_temperature(np.concatenate([vf, vfa]), np.concatenate([labels, labels]))
    kind_rows = [i for i, it in enumerate(val_items) if it["kind"] >= 0]
    kind_labels = np.array([val_items[i]["kind"] for i in kind_rows])
    kind_t = fit_temperature(np.concatenate([vk[kind_rows], vka[kind_rows]]),
                             np.concatenate([kind_labels, kind_labels])) if kind_rows else 1.0
    print(f"temperatures: fine {fine_t}, input kind {kind_t}", flush=True)

    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    exported = Exported(model, fine_t, kind_t).eval()
    float_path = os.path.join(args.work, "coder-float.onnx")
    example = batch_tensors([encode(tokenizer, "How are you?", "Fine.")])
    torch.onnx.export(
        exported, example, float_path, dynamo=False, opset_version=17,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["fine_probs", "input_kind_probs"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ["input_ids", "attention_mask", "token_type_ids"]}
        | {"fine_probs": {0: "batch"}, "input_kind_probs": {0: "batch"}},
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic
    out_path = os.path.join(args.out, MODEL_FILE)
    quantize_dynamic(float_path, out_path, weight_type=QuantType.QInt8)

    # Held-out figures of the shipped (quantized) file, and the fixture for the Rust parity test.
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(out_path, options, providers=["CPUExecutionProvider"])

    def onnx_probs(items, shape=lambda s: s):
        fine, kind = [], []
        for it in items:
            ids, types = encode(tokenizer, shape(it["text"]), shape(it["previous"]))
            feed = {"input_ids": np.array([ids], dtype=np.int64),
                    "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
                    "token_type_ids": np.array([types], dtype=np.int64)}
            f, k = session.run(None, feed)
            fine.append(f[0])
            kind.append(k[0])
        return np.array(fine), np.array(kind)

    test = splits["test"]
    report = {"epoch": best[2], "temperatures": {"fine": fine_t, "input_kind": kind_t},
              "seed": args.seed, "threads": args.threads, "lr": args.lr, "epochs": args.epochs}
    for name, shape in [("test", lambda s: s), ("test_asr_shaped", asr_shape)]:
        fine_probs, _ = onnx_probs(test, shape)
        report[name] = evaluate(fine_probs, test)
        tf, _ = logits_of(model, tokenizer, test, shape)
        report[name + "_float"] = evaluate(softmax(tf, fine_t), test)
        print(name, json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in report[name].items()
                                if not isinstance(v, dict)}), flush=True)
        print(name + " (float, before quantization)",
              json.dumps({k: round(report[name + "_float"][k], 4) for k in ["main_macro_f1", "fine_macro_f1"]}),
              flush=True)

    fixture_items = [
        {"text": "What brings you in today?", "previous": ""},
        {"text": "Do you drink every day?", "previous": "I have a few beers after work."},
        {"text": "So you're worried about what it's doing to your health.", "previous": "My doctor said my liver numbers are up."},
        {"text": "You feel stuck between wanting to quit and needing it to relax.", "previous": "I know I should stop but it's the only thing that calms me down."},
        {"text": "Drinking more than fourteen units a week raises the risk of liver disease.", "previous": "Is it really that bad?"},
        {"text": "Okay.", "previous": "That's all I wanted to say."},
        {"text": "tell me more about that", "previous": "it's been hard since the divorce"},
        {"text": "you think it might be time to cut down", "previous": "i guess i've been drinking too much lately"},
        {"text": "Hello, nice to meet you.", "previous": ""},
        {"text": "How would your life be different if you stopped smoking?", "previous": "I've smoked for twenty years."},
        {"text": "You should really stop smoking.", "previous": "I smoke a pack a day."},
        {"text": "", "previous": ""},
    ]
    model.eval()
    fixture = []
    for it in fixture_items:
        ids, types = encode(tokenizer, it["text"], it["previous"])
        with torch.no_grad():
            f, k = exported(*batch_tensors([(ids, types)]))
        of, ok = onnx_probs([it])
        fixture.append({**it, "input_ids": ids, "token_type_ids": types,
                        "onnx_fine": [float(x) for x in of[0]], "onnx_input_kind": [float(x) for x in ok[0]],
                        "torch_fine": [float(x) for x in f[0]], "torch_input_kind": [float(x) for x in k[0]]})
    with open(os.path.join(args.work, "parity.json"), "w") as f:
        json.dump({"fine_labels": FINE, "input_kinds": KINDS, "sentences": fixture}, f, indent=1)
    report["seconds"] = round(time.time() - started)
    with open(os.path.join(args.work, "metrics.json"), "w") as f:
        json.dump(report, f, indent=1, sort_keys=True)
    print(f"wrote {out_path} in {report['seconds']} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
