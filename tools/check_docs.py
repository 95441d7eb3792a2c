"""Browser test of the built docs site: `python tools/check_docs.py` (run by `make test`, after `make docs`).

Serves _docs/ on 127.0.0.1 and drives a real headless Chromium (Debian's, through Playwright) over every page.
Fails on: a page that does not load, a console error (or a request that fails: the site must not need the
internet), a broken internal link or anchor, an image that does not render, an entry of
`fasterprune.all.__all__` with no section (heading or anchor) on any page, a search for "SparsifyCallback" in
the site's search box that finds nothing. Saves screenshots of the index, the callback chapter and a tutorial's
plot under _docs/_screenshots/.
"""
import argparse, functools, http.server, os, re, shutil, sys, threading, time
from pathlib import Path
from urllib.parse import urljoin, urldefrag, urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT/'_docs'
SHOTS = SITE/'_screenshots'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-quic']

def chromium():
    "Debian's chromium (`make test` installs it as root); CHROMIUM or a Chrome on the PATH otherwise (GitHub's runners)"
    for c in [os.environ.get('CHROMIUM'), '/usr/bin/chromium', shutil.which('chromium'), shutil.which('google-chrome'),
              shutil.which('chromium-browser')]:
        if c and Path(c).exists(): return c
    sys.exit('docs check: no Chromium found: `apt-get install chromium` (as root), or set CHROMIUM to a Chrome binary')

def serve(root):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f'http://127.0.0.1:{srv.server_address[1]}/'

def site_prefix():
    "The published site's address (settings.ini doc_host + doc_baseurl): links to it are internal links"
    from configparser import ConfigParser
    c = ConfigParser(); c.read(ROOT/'settings.ini')
    return c['DEFAULT']['doc_host'].rstrip('/') + c['DEFAULT']['doc_baseurl'].rstrip('/') + '/'

def api_names():
    import warnings; warnings.filterwarnings('ignore')
    import fasterprune.all as a
    return list(a.__all__)

PAGE_JS = """() => ({
  ids: [...document.querySelectorAll('[id],a[name]')].map(e => e.id || e.getAttribute('name')),
  headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [h.id, h.textContent.replace('¶','').trim()]),
  links: [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')),
  title: document.title,
})"""

IMG_JS = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  return imgs.map(i => [i.currentSrc.slice(0, 80), i.naturalWidth]);
}"""

def check(out=print):
    from playwright.sync_api import sync_playwright
    t0 = time.time()
    if not (SITE/'index.html').exists(): sys.exit('docs check: _docs/index.html missing: run `make docs` first')
    pages = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob('*.html') if p.name != '404.html' and '_screenshots' not in p.parts)
    srv, base = serve(SITE)
    prefix = site_prefix()
    errors, info, n = [], {}, dict(links=0, external=0, anchors=0, images=0)
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), headless=True, args=FLAGS)
        ctx = browser.new_context(viewport={'width': 1400, 'height': 1000})
        page = ctx.new_page()
        console = []
        page.on('console', lambda m: m.type == 'error' and console.append(f'console error: {m.text} ({m.location.get("url", "")})'))
        page.on('pageerror', lambda e: console.append(f'page error: {e}'))
        # a request the browser itself aborted (the search worker of the page left, when the next one loads) is no broken link: a missing file answers 404
        page.on('requestfailed', lambda r: 'ERR_ABORTED' not in str(r.failure) and console.append(f'request failed: {r.url[:120]} ({r.failure})'))
        for p in pages:
            console.clear()
            try: resp = page.goto(base + p, wait_until='load', timeout=30000)
            except Exception as e: errors.append(f'{p}: does not load: {e}'); continue
            if not resp or resp.status != 200: errors.append(f'{p}: does not load: HTTP {resp and resp.status}'); continue
            imgs = page.evaluate(IMG_JS)
            info[p] = page.evaluate(PAGE_JS)
            page.wait_for_timeout(50)
            errors += [f'{p}: {c}' for c in console]
            n['images'] += len(imgs)
            errors += [f'{p}: image does not render: {src}' for src, w in imgs if not w]
        # links and anchors, against the pages and ids the browser saw
        for p, d in info.items():
            for href in d['links']:
                url = urljoin(base + p, href)
                if url.startswith(prefix): url = base + url[len(prefix):]   # the published site: this site
                if not url.startswith(base):
                    n['external'] += 1; continue
                target, frag = urldefrag(url)
                tp = unquote(urlparse(target).path[len(urlparse(base).path):]) or 'index.html'
                if tp.endswith('/'): tp += 'index.html'
                n['links'] += 1
                if tp not in info and not (SITE/tp).is_file():
                    errors.append(f'{p}: broken link {href!r} (no {tp})'); continue
                if frag and tp in info:
                    n['anchors'] += 1
                    if unquote(frag) not in info[tp]['ids']: errors.append(f'{p}: broken anchor {href!r} (no id {frag!r} in {tp})')
        # every public name has a section somewhere
        from mkdocs_jupyter.utils import slugify
        sections = {}
        for p, d in info.items():
            for hid, txt in d['headings']: sections.setdefault(txt, p); sections.setdefault(hid, p)
            for i in d['ids']: sections.setdefault(i, p)
        names = api_names()
        missing = [nm for nm in names if nm not in sections and slugify(nm) not in sections]
        errors += [f'API entry {nm!r} of fasterprune.all.__all__ has no section on any page' for nm in missing]
        # search, through the site's own search box
        page.goto(base + 'index.html', wait_until='load')
        page.click('label.md-search__icon, .md-search__input', timeout=10000)
        hits = 0
        for _ in range(20):   # typed again until the search worker has loaded its index
            page.fill('input.md-search__input', '')
            page.type('input.md-search__input', 'SparsifyCallback', delay=10)
            try: page.wait_for_selector('.md-search-result__item', timeout=1000)
            except Exception: pass
            hits = page.locator('.md-search-result__item').count()
            if hits: break
        meta = page.locator('.md-search-result__meta').first.inner_text() if hits else 'no results'
        if not hits: errors.append('search for "SparsifyCallback" finds nothing')
        page.screenshot(path=str(SHOTS/'search.png'))
        page.keyboard.press('Escape')
        # screenshots: the index, the callback chapter's API table, a tutorial's plot
        page.goto(base + 'index.html', wait_until='load'); page.screenshot(path=str(SHOTS/'index.png'))
        page.set_viewport_size({'width': 1400, 'height': 1500})
        page.goto(base + 'callback.html#sparsifycallback', wait_until='load')
        page.wait_for_timeout(300); page.screenshot(path=str(SHOTS/'callback.png'))
        page.set_viewport_size({'width': 1400, 'height': 1000})
        tut = None
        for p in [p for p in pages if p.startswith('tutorials/')]:
            page.goto(base + p, wait_until='load')
            plots = page.locator('.jp-OutputArea-output img')
            if plots.count():
                plots.first.scroll_into_view_if_needed(); page.wait_for_timeout(300)
                page.screenshot(path=str(SHOTS/'tutorial.png')); tut = p; break
        if not tut: errors.append('no tutorial has a plot to screenshot')
        browser.close()
    srv.shutdown()
    out(f'docs check: {len(info)} pages visited, {n["links"]} internal links checked ({n["external"]} external not followed), '
        f'{n["anchors"]} anchors checked, {n["images"]} images checked, {len(names)} API entries checked '
        f'({len(names)-len(missing)} with a section), search "SparsifyCallback": {hits} results ({meta.strip()}), '
        f'screenshots in {SHOTS.relative_to(ROOT)}/ (tutorial: {tut}), {time.time()-t0:.0f}s')
    for e in errors: out(f'  FAIL {e}')
    out(f'docs check: {"FAILED, " + str(len(errors)) + " problems" if errors else "OK"}')
    return not errors

if __name__ == '__main__':
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    sys.exit(0 if check() else 1)
