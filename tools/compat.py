"""`make compat`: the wheel in fresh venvs, one with the newest releases pip resolves and one at the declared floors,
each running tools/compat_smoke.py. The floors are read from settings.ini (`pkg>=X` installed as `pkg==X`, the
Python as `min_python`), so that a floor cannot be declared without being tested."""
import configparser, glob, os, re, shlex, shutil, subprocess, sys, time
from pathlib import Path

root = Path(__file__).resolve().parents[1]
out = root/'.compat'
cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(root/'settings.ini')
cfg = cfg['DEFAULT']

def floors(reqs) -> list:
    "Each `pkg>=X` of `reqs` as `pkg==X`; other bounds kept as they are"
    return [re.sub(r'>=([\w.]+)', r'==\1', r) for r in reqs if re.search(r'[<>=]', r)]

def python(version) -> str:
    "A working Python `version`: on the PATH (setup-python, Debian's python3.X) or installed by pyenv, whose shim may not be active"
    for exe in [shutil.which(f'python{version}'), *sorted(glob.glob(os.path.expanduser(f'~/.pyenv/versions/{version}.*/bin/python{version}')))]:
        if exe and subprocess.run([exe, '-c', ''], capture_output=True).returncode == 0: return exe
    sys.exit(f"make compat: no python{version} found: min_python = {version} in settings.ini is the floor it tests")

def run_all(cmds:dict, step:str, **kw):
    "Run the commands of `cmds` (venv: argv) side by side, each logged to .compat/<venv>-<step>.log; exit naming those that failed"
    ps = {k: subprocess.Popen(c, stdout=open(out/f'{k}-{step}.log', 'w'), stderr=subprocess.STDOUT, **kw) for k, c in cmds.items()}
    bad = [k for k, p in ps.items() if p.wait()]
    for k in bad: print(f"--- {step} failed in the {k} venv; the end of .compat/{k}-{step}.log:\n" + ''.join(open(out/f'{k}-{step}.log').readlines()[-30:]))
    if bad: sys.exit(1)

if __name__ == '__main__':
    t0 = time.time()
    shutil.rmtree(out, ignore_errors=True); out.mkdir()
    b = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(out/'dist'), str(root)],
                       capture_output=True, text=True)   # setuptools' deprecation warnings only when it fails
    if b.returncode: sys.exit(f"make compat: the wheel did not build:\n{b.stdout}{b.stderr}")
    whl = glob.glob(str(out/'dist'/'fasterprune-*.whl'))[0]
    (out/'floors.txt').write_text('\n'.join(floors(shlex.split(cfg['requirements']))) + '\n')
    envs = {'newest': (python(f'{sys.version_info[0]}.{sys.version_info[1]}'), []),   # the dev venv's Python
            'floor':  (python(cfg['min_python']), ['-c', str(out/'floors.txt')])}
    for k, (exe, _) in envs.items(): subprocess.run([exe, '-m', 'venv', str(out/k)], check=True)
    # --no-compile: torch's bytecode is most of an install's time, and the smoke run needs little of it
    run_all({k: [str(out/k/'bin'/'python'), '-m', 'pip', 'install', '-q', '--no-compile', whl, *c] for k, (_, c) in envs.items()}, 'install')
    print(f"installed in {time.time()-t0:.0f} s; floors: {' '.join(floors(shlex.split(cfg['requirements'])))}", flush=True)
    env = {**os.environ, 'OMP_NUM_THREADS': '1'}   # one each: the two runs share the cores
    run_all({k: [str(out/k/'bin'/'python'), str(root/'tools'/'compat_smoke.py'), str(root/'README.md')] for k in envs}, 'smoke', env=env)
    print(f"smoke runs done at {time.time()-t0:.0f} s", flush=True)
    for k in envs: print(f"{k} venv: " + ''.join(l for l in open(out/f'{k}-smoke.log') if l.startswith(('python ', 'ok ', 'compat '))), end='')
    for k in envs: shutil.rmtree(out/k)   # 5 GB each: the logs stay, the venvs of a passing run go
    print(f"make compat: both venvs passed in {time.time()-t0:.0f} s")
