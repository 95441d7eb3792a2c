"""Build the docs site offline, without Quarto: `python tools/docs.py` (`make docs`).

1. nbdev's own notebook processors (those of `nbdev_proc_nbs`: frontmatter, `show_doc` after every exported
   name, hidden and exported cells removed, links to the API) turn nbs/ into _proc/docs/, one notebook a page,
   named as nbdev names its pages (00_data.ipynb -> data.html). No code cell of a chapter or tutorial is run:
   only the exported cells (the definitions `show_doc` documents), the import statements, and the `show_doc`
   cells are, in one process. Every other cell keeps its committed outputs.
2. `show_doc` is nbdev's, given fastcore's docments table (`DocmentTbl`) under the signature, and no `NoneType`
   type for a parameter whose default is `None`; it also documents what nbdev's `add_show_docs` leaves out: the
   `__all__` names bound by assignment (criteria, schedules, constants), the names re-exported from another
   library, and the public methods that have a docstring.
3. What Quarto would read from the processed notebooks is turned into what mkdocs-jupyter reads: the frontmatter
   into the navigation's title and a quote, cell options (`#| echo: false`, ...) into cell tags, pandoc link attributes into HTML,
   links to the published site into relative links.
4. mkdocs (mkdocs-material, mkdocs-jupyter with execute: false) renders _proc/docs into _docs/, with the
   navigation in nbs/ file order (generated into _proc/mkdocs.yml, which inherits mkdocs.yml), search, and the
   site's CSS (tools/docs.css). This file is also mkdocs' hook: `on_page_content` keeps the copy buttons out of the
   search index.
"""
import argparse, ast, html, importlib, inspect, os, re, shutil, subprocess, sys, time, warnings
from functools import partial
from pathlib import Path

import yaml
from execnb.nbio import mk_cell, write_nb
from fastcore.foundation import L
from fastcore.docments import DocmentTbl, empty, _escape_markdown, _maybe_nm, _bold
from nbdev.config import get_config
from nbdev.doclinks import nbglob
from nbdev.process import NBProcessor, Processor
from nbdev.processors import (FilterDefaults, add_show_docs, exec_show_docs, _default_exp, _get_nm, _show_docs,
                              _want_doc, cell_lang)
from nbdev.showdoc import BasicMarkdownRenderer, show_doc

ROOT = Path(__file__).resolve().parents[1]
PROC = ROOT/'_proc'
DOCS = PROC/'docs'

# ---------------------------------------------------------------------------------------------------------------
# 1-2. nbdev's processors, with a stricter execution step and more API entries

def _no_nonetype(dm):
    "fastcore's docments give a parameter without annotation its default's type: `x=None` read `x:NoneType=None`"
    for p in dm.values():
        if p.get('anno') is type(None) and p.get('default', empty) is None: p['anno'] = empty
    return dm

class ApiRenderer(BasicMarkdownRenderer):
    "nbdev's `show_doc` markdown (source link, heading, signature with docments, docstring), then the docments table"
    def __init__(self, sym, name=None, title_level=3, maxline=110):
        super().__init__(sym, name=name, title_level=title_level, maxline=maxline)
        _no_nonetype(self.dm.dm)   # the signature
        obj = self.sym
        foreign = type(obj).__module__.split('.')[0] != get_config().lib_name
        if not (inspect.isclass(obj) or inspect.isroutine(obj)) and foreign: self.docs = ''  # list, dict, Path: not their type's docstring

    def _repr_markdown_(self):
        md = super()._repr_markdown_().replace('#LNone)', ')')  # instances have no line number
        tbl = _table(self.sym)
        return f'{md}\n\n{tbl}' if tbl else md

class _Tbl(DocmentTbl):
    "fastcore's docments table, with `|` (in `A | None` types) escaped so the markdown table holds, and no `NoneType` type"
    def __init__(self, obj, **kwargs):
        super().__init__(obj, **kwargs)
        _no_nonetype(self.dm)
    def _row(self, nm, props): return [nm] + [_escape_markdown(_maybe_nm(props[c])) for c in self._columns]
    @property
    def return_str(self):
        ret = self.dm['return']
        return '| **Returns** | ' + ' | '.join(_bold(_escape_markdown(_maybe_nm(ret[c]))) for c in self._columns) + ' |'

def _table(sym):
    if not (inspect.isclass(sym) or inspect.isroutine(sym)): return ''
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            t = _Tbl(sym)
            return t._repr_markdown_() if t.has_docment else ''
    except Exception: return ''

class exec_api_docs(exec_show_docs):
    "nbdev's `exec_show_docs`, stricter: runs the exported cells, `show_doc` cells and other cells' import statements only"
    def begin(self):
        super().begin()
        if hasattr(self, 'k'): self.k.user_ns['show_doc'] = partial(show_doc, renderer=ApiRenderer)

    def __call__(self, cell):
        if not self.nb.has_docs_ or not hasattr(self, 'k'): return
        fm = getattr(self.nb, 'frontmatter_', {})
        if str(fm.get('skip_showdoc', False)).lower() in ('true', '1', 'yes'): return
        if cell.cell_type != 'code' or cell_lang(cell) != 'python' or not cell.source: return
        if 'nbdev_export'+'()' in cell.source: return
        if cell.directives_.get('eval:', [''])[0].lower() == 'false': return
        trees = cell.parsed_()
        if not trees: return
        if _show_docs(trees) or 'exec_doc' in cell.directives_: self.k.cell(cell)       # the doc is its output
        elif cell.directives_.keys() & {'export', 'exports', 'exporti'}: self.k.run(cell.source)
        else:                                                                        # committed outputs stay
            imps = [ast.unparse(t) for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]
            if not imps: return
            self.k.run('\n'.join(imps))
        if self.k.exc:
            raise Exception(f"Error in notebook {self.nb.path_} in cell {cell.idx_}:\n{cell.source}") from self.k.exc

def _sd_cell(src):
    c = mk_cell(src)
    c.has_sd = True
    return c

class add_api_entries(Processor):
    "`show_doc` cells for what `add_show_docs` leaves out: `__all__` names bound by assignment or re-exported, public methods with a docstring"
    def begin(self):
        nb, cfg = self.nb, get_config()
        mod = _default_exp(nb)
        if not mod: return
        try: module = importlib.import_module(f'{cfg.lib_name}.{mod}')
        except Exception: return
        public = set(getattr(module, '__all__', []))
        trees = L(nb.cells).map(lambda c: c.parsed_() if c.cell_type == 'code' else None).concat()
        shown = {_get_nm(t) for t in _show_docs(trees)}
        methods = {}
        for cell in [c for c in nb.cells if _want_doc(c)]:
            extra = []
            for t in cell.parsed_() or []:
                if isinstance(t, ast.ClassDef):
                    methods[t.name] = [f'{t.name}.{m.name}' for m in t.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                                       and not m.name.startswith('_') and ast.get_docstring(m) and f'{t.name}.{m.name}' not in shown]
                names = []
                if isinstance(t, ast.Assign): names = [n.id for tg in t.targets for n in ast.walk(tg) if isinstance(n, ast.Name)]
                elif isinstance(t, ast.AnnAssign) and isinstance(t.target, ast.Name): names = [t.target.id]
                elif isinstance(t, ast.ImportFrom):   # re-exported from another library: documented here
                    names = [a.asname or a.name for a in t.names if a.name != '*'
                             and not str(getattr(getattr(module, a.asname or a.name, None), '__module__', '')).startswith(cfg.lib_name)]
                for n in names:
                    if n in public and n not in shown: extra.append(f"show_doc({n}, name='{n}')"); shown.add(n)
            if extra:
                i = cell.idx_ + 1
                while i < len(nb.cells) and getattr(nb.cells[i], 'has_sd', False): i += 1
                nb.cells[i:i] = [_sd_cell(s) for s in extra]
                for j, c in enumerate(nb.cells): c.idx_ = j
        for i in reversed(range(len(nb.cells))):      # each class's methods right after the class
            c = nb.cells[i]
            if not getattr(c, 'has_sd', False): continue
            m = re.match(r'show_doc\((\w+)\)$', c.source.strip())
            if m and methods.get(m.group(1)):
                nb.cells[i+1:i+1] = [_sd_cell(f'show_doc({s}, title_level=4)') for s in methods[m.group(1)]]
        for j, c in enumerate(nb.cells): c.idx_ = j
        nb.has_docs_ = getattr(nb, 'has_docs_', None) or bool(shown)

def procs():
    res = []
    for p in FilterDefaults().procs():
        if p is exec_show_docs: p = exec_api_docs
        res.append(p)
        if p is add_show_docs: res.append(add_api_entries)
    return res

# ---------------------------------------------------------------------------------------------------------------
# 3. From what Quarto reads to what mkdocs-jupyter reads

_re_opt = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_re_pandoc_link = re.compile(r'\[([^\]]+)\]\(([^)\s]+)\)\{([^}]*)\}')
_re_code_link = re.compile(r'\[(`[^`\]]+`)\]\(([^)\s]+)\)')      # what nbdev's add_links makes of `name`
_re_fence = re.compile(r'^(```|~~~).*?^\1', re.M | re.S)
_re_heading = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')

def _pandoc_link(m):
    txt, url, attrs = m.groups()
    attrs = ' '.join(a if '=' in a else f'{a}="{a}"' for a in re.findall(r'\w[\w-]*="[^"]*"|\w[\w-]*', attrs))
    return f'<a href="{html.escape(url)}" {attrs}>{txt}</a>'

def slug(s):
    "The heading id mkdocs-jupyter gives (its `slugify`)"
    from mkdocs_jupyter.utils import slugify
    return slugify(s)

def _nbpath2page(p):
    "nbdev's page name of a notebook: 00_data.ipynb -> data"
    return re.sub(r'^\d+[a-zA-Z0-9]*_', '', Path(p).stem)

def _rel(target, page):
    return os.path.relpath(target, os.path.dirname(page) or '.').replace(os.sep, '/')

def _links(text, page, site):
    "Links to the published site and to notebooks become relative links to this site's pages"
    def doc_link(m):
        path, anchor = m.group(1), m.group(2)
        path = path or 'index.html'
        if path.endswith('/'): path += 'index.html'
        return _rel(path, page) + (f'#{slug(anchor)}' if anchor else '')
    text = re.sub(re.escape(site) + r'([\w./-]*)(?:#([^\s)"\'<>]*))?', doc_link, text)
    def nb_link(m):
        t = Path(os.path.normpath((Path(page).parent/m.group(2)).as_posix()))
        return f'{m.group(1)}({_rel((t.parent/(_nbpath2page(t) + ".html")).as_posix(), page)}{m.group(3) or ""})'
    return re.sub(r'(\]\s*)\((?!https?:|#|/)([^)\s#]+)\.ipynb(#[^)\s]*)?\)', nb_link, text)

def _md(s, page, site):
    "Markdown as mkdocs-jupyter renders it: no pandoc attributes, no links in code blocks, `code` in headings as HTML"
    s = _links(_re_pandoc_link.sub(_pandoc_link, s), page, site)
    s = _re_fence.sub(lambda m: _re_code_link.sub(r'\1', m.group(0)), s)   # add_links also links docments comments
    def heading(line):
        m = _re_heading.match(line)
        if not m: return line
        return m.group(1) + ' ' + re.sub(r'`([^`]+)`', lambda c: f'<code>{html.escape(c.group(1))}</code>', m.group(2))
    return _outside_fences(s, lambda part: '\n'.join(heading(l) for l in part.split('\n')))

def _outside_fences(s, f):
    out, last = [], 0
    for m in _re_fence.finditer(s):
        out += [f(s[last:m.start()]), m.group(0)]; last = m.end()
    return ''.join(out + [f(s[last:])])

def adapt(nb, page, site):
    "Title, cell options and links of a processed notebook, for mkdocs-jupyter"
    cells, fm = [], {}
    for c in nb.cells:
        if c.cell_type == 'raw' and c.source.startswith('---'):
            fm = yaml.safe_load(c.source.strip().strip('-')) or {}   # the title: mkdocs-material's <h1> from the nav
            if fm.get('description'): cells.append(mk_cell(f"> {_md(fm['description'].strip(), page, site)}", 'markdown'))
            continue
        if c.cell_type == 'markdown' and c.source.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
        if c.cell_type == 'markdown': c.source = _md(c.source, page, site)
        if c.cell_type == 'code':
            lines, opts = c.source.splitlines(), {}
            while lines and _re_opt.match(lines[0]):
                k, v = _re_opt.match(lines.pop(0)).groups()
                opts[k] = v.strip('"\'').lower()
            c.source = '\n'.join(lines)
            if opts.get('include') == 'false': continue
            if opts.get('output') == 'asis':    # as Quarto does: the markdown output is part of the page (show_doc)
                if opts.get('echo') != 'false': cells.append(mk_cell(c.source))
                md = [''.join(o['data']['text/markdown']) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
                if md: cells.append(mk_cell(_md('\n\n'.join(md), page, site), 'markdown'))
                continue
            tags = list(c.get('metadata', {}).get('tags', []))
            if opts.get('echo') == 'false': tags.append('remove_input')
            if opts.get('output') == 'false': tags.append('remove_output')
            if tags: c.setdefault('metadata', {})['tags'] = tags
            for o in c.get('outputs', []):
                md = o.get('data', {}).get('text/markdown')
                if md: o['data']['text/markdown'] = _md(''.join(md), page, site)
        cells.append(c)
    nb.cells = cells
    return fm

def anchors(nb):
    """The ids of a page's headings. mkdocs-jupyter's table of contents (Python-Markdown's toc, which numbers a
    repeated id: `x_1`) and its headings (`slugify` of the text, repeated as is) can disagree: an empty `<a id>`
    before such a heading carries the table of contents' id."""
    from mkdocs_jupyter.plugin import _get_markdown_toc
    from markdown.extensions.toc import unique
    toc_ids, ids = set(), set()
    for c in nb.cells:
        if c.cell_type != 'markdown': continue
        def fix(part):
            out = []
            for line in part.split('\n'):
                m = _re_heading.match(line)
                if m:
                    tok = _get_markdown_toc(line, 6)
                    if tok:
                        tid, hid = unique(tok[0]['id'], toc_ids), slug(tok[0]['name'])
                        ids.update({tid, hid})
                        if tid != hid: out.append(f'<a id="{tid}"></a>\n')
                out.append(line)
            return '\n'.join(out)
        c.source = _outside_fences(c.source, fix)
    return ids

def unlink_missing(nb, page, ids):
    "nbdev's links to names that have no section (private, `exporti`) become plain `code`; returns them"
    gone = []
    def f(m):
        url = m.group(2)
        if re.match(r'https?:', url) or '#' not in url: return m.group(0)
        path, frag = url.split('#', 1)
        target = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if target in ids and frag not in ids[target]:
            gone.append(f'{m.group(1)} -> {target}#{frag}'); return m.group(1)
        return m.group(0)
    for c in nb.cells:
        if c.cell_type == 'markdown': c.source = _re_code_link.sub(f, c.source)
    return gone

# ---------------------------------------------------------------------------------------------------------------
# 4. The pages, the navigation, mkdocs

def notebooks():
    "nbs/ notebooks as nbdev finds them, in nbdev's sidebar order: index first, then file order, folders last"
    nbs = get_config().nbs_path
    ps = [Path(p) for p in nbglob(nbs)]
    key = lambda p: (p.stem != 'index' or p.parent != nbs, len(p.relative_to(nbs).parts), p.relative_to(nbs).as_posix())
    return sorted(ps, key=key)

def proc_nb(path):
    "nbdev's processors on one notebook; returns (page, title, processed notebook)"
    cfg = get_config()
    rel = path.relative_to(cfg.nbs_path)
    page = (rel.parent/f'{_nbpath2page(rel)}.html').as_posix()
    proc = NBProcessor(path, procs())
    proc.process()
    nb = proc.nb
    fm = adapt(nb, page, cfg.doc_host.rstrip('/') + cfg.doc_baseurl.rstrip('/') + '/')
    return page, fm.get('title', _nbpath2page(rel)), nb

def write_mkdocs_yml(pages):
    "_proc/mkdocs.yml: mkdocs.yml, with the pages and the navigation of this build"
    top = [p for p in pages if '/' not in p[0]]
    nav = [{t: p.replace('.html', '.ipynb')} for p, t in top]
    folders = {}
    for p, t in pages:
        if '/' in p: folders.setdefault(p.split('/')[0], []).append({t: p.replace('.html', '.ipynb')})
    for f, items in folders.items(): nav.append({f.replace('_', ' ').capitalize(): items})
    cfg = {'INHERIT': '../mkdocs.yml', 'docs_dir': 'docs', 'site_dir': '../_docs', 'nav': nav,
           'hooks': [os.path.relpath(__file__, PROC)]}   # this file's on_page_content
    (PROC/'mkdocs.yml').write_text('# generated by tools/docs.py: edit mkdocs.yml\n' + yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))

def proc_all(verbose=False):
    t0 = time.time()
    os.environ['IN_TEST'] = '1'   # as nbdev_proc_nbs: nothing a notebook imports downloads
    shutil.rmtree(DOCS, ignore_errors=True)
    DOCS.mkdir(parents=True)
    done = []
    for path in notebooks():
        page, title, nb = proc_nb(path)
        done.append((page, title, nb, anchors(nb)))
        if verbose: print(f'  {path.relative_to(ROOT)} -> {page}', flush=True)
    ids = {page: a for page, _, _, a in done}
    for page, title, nb, _ in done:
        for g in unlink_missing(nb, page, ids): print(f'docs: {page}: no section for {g}: shown as code, not a link')
        dest = DOCS/page.replace('.html', '.ipynb')
        dest.parent.mkdir(parents=True, exist_ok=True)
        write_nb(nb, dest)
    write_mkdocs_yml([(p, t) for p, t, _, _ in done])
    print(f'docs: nbdev processed {len(done)} notebooks into {DOCS.relative_to(ROOT)} in {time.time()-t0:.0f}s', flush=True)

def on_page_content(content, **kwargs):
    """mkdocs hook: mkdocs-jupyter's copy button of each code cell holds a hidden "Copied!", which the search index
    took as text of the page; mkdocs-material's search leaves out what is marked `data-search-exclude`"""
    return content.replace('<div class="zeroclipboard-container">', '<div class="zeroclipboard-container" data-search-exclude="copy-button">')

def mkdocs_build():
    "mkdocs build --strict, its INFO lines left out"
    shutil.copy(ROOT/'tools'/'docs.css', DOCS/'fasterprune.css')   # mkdocs.yml's extra_css: a file of docs_dir
    env = {**os.environ, 'NO_MKDOCS_2_WARNING': '1'}
    r = subprocess.run([sys.executable, '-m', 'mkdocs', 'build', '--strict', '-f', str(PROC/'mkdocs.yml')], cwd=ROOT, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for l in r.stdout.splitlines():
        if not l.startswith('INFO') or 'Documentation built' in l: print(l)
    return r.returncode

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('-v', '--verbose', action='store_true', help='list the notebooks as they are processed')
    ap.add_argument('--no-proc', action='store_true', help='reuse _proc/ (only run mkdocs)')
    a = ap.parse_args()
    os.chdir(ROOT)
    warnings.filterwarnings('ignore')
    if not a.no_proc: proc_all(a.verbose)
    t0 = time.time()
    rc = mkdocs_build()
    if rc: sys.exit(f'mkdocs build failed ({rc})')
    print(f'docs: mkdocs built {DOCS.relative_to(ROOT)} into _docs/ in {time.time()-t0:.0f}s')
