"Write README.md from nbs/index.ipynb without Quarto: markdown cells as they are, code cells fenced, their text outputs below."
import json, re, sys
from pathlib import Path

def _hidden(src): return bool(re.search(r'^#\|\s*(hide|export|exporti|default_exp)\b', src, re.M))
def _strip(src): return '\n'.join(l for l in src.splitlines() if not l.startswith('#|')).strip()

def _output(o):
    if o.get('output_type') == 'stream': return ''.join(o.get('text', ''))
    d = o.get('data', {})
    return ''.join(d.get('text/markdown', '')) or ''.join(d.get('text/plain', ''))

def nb2md(src='nbs/index.ipynb', dest='README.md'):
    cells = json.loads(Path(src).read_text())['cells']
    out = []
    for c in cells:
        s = ''.join(c['source'])
        if c['cell_type'] == 'markdown':
            out.append(re.sub(r'^> ', '> ', s, flags=re.M))
        elif not _hidden(s):
            out.append(f"```python\n{_strip(s)}\n```")
            text = '\n'.join(_output(o).rstrip() for o in c.get('outputs', []) if _output(o).strip())
            text = '\n'.join(l.rsplit('\r', 1)[-1] for l in text.splitlines() if l.rsplit('\r', 1)[-1].strip())
            if text: out.append(f"```\n{text}\n```")
    Path(dest).write_text('<!-- generated from nbs/index.ipynb by `make readme`: edit the notebook -->\n\n' + '\n\n'.join(out) + '\n')

if __name__ == '__main__': nb2md(*sys.argv[1:])
