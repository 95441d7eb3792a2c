"""What `make compat` runs in each fresh venv, against the installed wheel (not the clone's `fasterprune/`):
every Python block of the README at a small size, then each driver once, each claim checked on the model itself.
Usage: python tools/compat_smoke.py README.md  (it works in a temporary folder; exit status 0 when all held)"""
import os, re, sys, tempfile, importlib.metadata as md
from pathlib import Path

readme = Path(sys.argv[1]).resolve()
os.chdir(tempfile.mkdtemp(prefix='fasterprune-compat-'))   # the PNGs and the exported learner go here

from fastai.vision.all import *
from fasterprune.all import *
import fasterprune, torch_pruning as tp
from copy import deepcopy
import fastprogress.fastprogress as fpp
fpp.printing = lambda: False   # the fit tables, not the bars, in the log

pkgs = 'fasterprune fastai fastcore fasttransform plum-dispatch torch torchvision torch-pruning numpy pandas'.split()
print(f"python {sys.version.split()[0]}: " + ', '.join(f"{p} {md.version(p)}" for p in pkgs), flush=True)
assert 'site-packages' in fasterprune.__file__, f"fasterprune imported from {fasterprune.__file__}, not from the installed wheel"

def macs(m, x) -> float:
    "MACs of `m` on `x`, by Torch-Pruning's counter: the model itself, not fasterprune's own count"
    return tp.utils.count_ops_and_params(m.eval(), x)[0]

def check(ok:bool, what:str):
    print(f"{'ok  ' if ok else 'FAIL'} {what}", flush=True)
    if not ok: sys.exit(1)

# The README's blocks, in order, in one namespace; smaller data and fewer epochs (the code is otherwise as written)
SMALL = [(r'n_train=\d+', 'n_train=256'), (r'n_valid=\d+', 'n_valid=128'), (r'fine_tune\(\d+', 'fine_tune(1'), (r'fit_one_cycle\(\d+', 'fit_one_cycle(1')]
blocks = re.findall(r'```python\n(.*?)```', readme.read_text(), re.S)
check(len(blocks) >= 3, f"{len(blocks)} Python blocks in {readme.name}")
ns = {}
for i, b in enumerate(blocks):
    for pat, rep in SMALL: b = re.sub(pat, rep, b)
    exec(compile(b, f'{readme.name} block {i}', 'exec'), ns)
    if 'from_folder' in b:   # "In ten lines": a quarter of the trained dense model's MACs, on fastai's own pipeline
        x = ns['dls'].one_batch()[0][:2].as_subclass(torch.Tensor)
        r = macs(ns['learn'].model, x)/macs(ns['dense'], x)
        check(0.22 < r <= 0.26, f"README block {i}: pruned/dense MACs {r:.4f} (target 0.25)")
        folder_learn = ns['learn']
check('learn' in ns and 'dense' in ns, "README blocks ran")

dls = fashion_mnist(n_train=512, n_valid=256, bs=64, download=False)
x = dls.one_batch()[0][:2]
def new(): return Learner(dls, demo_model(), loss_func=CrossEntropyLossFlat(), metrics=accuracy)

learn = new(); m0 = macs(learn.model, x)
learn.fit_one_cycle(1, cbs=SparsifyCallback(granularity='filter', target_macs=0.5, remove=True))
r = macs(learn.model, x)/m0
check(0.45 < r <= 0.51, f"filter + target_macs=0.5 + remove: MACs {r:.4f} of the dense model's")
teacher = deepcopy(learn.model)

learn = new()
learn.fit_one_cycle(1, cbs=SparsifyCallback(sparsity=0.5, granularity='weight', schedule='agp'))
ws = [m.weight for m in learn.model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))][:-1]   # the output layer is left alone
z = sum(int((w == 0).sum()) for w in ws)/sum(w.numel() for w in ws)
check(abs(z - 0.5) < 0.02, f"weight + agp: {z:.4f} of the conv and hidden linear weights are zero (target 0.5)")

learn = new(); n0 = sum(p.numel() for p in learn.model.parameters())
learn.fit(1, cbs=IterativePruning(max_to_prune=8, n_batches=2, max_iters=3))
n1 = sum(p.numel() for p in learn.model.parameters())
check(n1 < n0, f"IterativePruning: params {n0} -> {n1}")

learn = new()
learn.fit_one_cycle(1, cbs=[KnowledgeDistillation(teacher), SparsifyCallback(granularity='filter', target_macs=0.5, remove=True)])
loss, r = learn.recorder.losses[-1].item(), macs(learn.model, x)/m0   # one small epoch: its accuracy says little
check(math.isfinite(loss) and r <= 0.51, f"KnowledgeDistillation + filter pruning: last train loss {loss:.3f}, MACs {r:.4f}")

folder_learn.export(Path('pruned.pkl').absolute())
loaded = load_learner('pruned.pkl')
xb = folder_learn.dls.one_batch()[0][:4]
with torch.no_grad(): same = torch.allclose(folder_learn.model.eval()(xb), loaded.model.eval()(xb), atol=1e-5)
fn = get_image_files(folder_learn.dls.path/'valid')[0]
pred = loaded.predict(fn)[0]
check(same and pred in loaded.dls.vocab, f"export / load_learner: same outputs, predict({fn.parent.name}/{fn.name}) = {pred!r}")
print("compat smoke: all held")
