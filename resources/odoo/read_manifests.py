#!/usr/bin/env python3
"""Read Odoo module manifests without importing Odoo (odoo-upgrade, issue 12).

Input (JSON on stdin):
    {"addons_paths": ["/odoo/odoo/addons", "/odoo/addons", "/srv/custom", ...],   # search order
     "modules": ["auditlog", "sale_custom", ...],
     "series": "17.0",                      # optional: the target series, enables "target"
     "odoo_bin": "/opt/odoo/odoo-bin",      # optional: search Odoo's own addons first, as Odoo does
     "data_dir": "/var/lib/odoo"}           # optional: with "series", <data_dir>/addons/<series> too

With "odoo_bin", the folders Odoo itself searches before --addons-path come first, in Odoo's order:
the `addons` folder of the `odoo` package (found next to odoo-bin, or where this interpreter would
import `odoo` from, without importing it), `<data_dir>/addons/<series>`, and a source checkout's
`<root>/addons` when no addons path is given (Odoo's default).

Output (JSON on stdout): {"modules": {name: entry}, "addons_paths": [{path, exists}], "series": ...}
("addons_paths" is the search order actually used) with, for each requested module,
    path          folder of the module that Odoo would use (first addons path that has it), or null
    manifest      "__manifest__.py" | "__openerp__.py" (the latter: series <= 9.0, deprecated in 17.0)
    version       the manifest's "version" as written (Odoo's default "1.0" when absent)
    series        the series prefix of the version ("17.0" in "17.0.1.0.1"); null when the version has
                  no prefix (2 or 3 parts, e.g. "1.0", "1.2.3": Odoo reads that as the running series)
    folder_series a series found in the module's path (".../17.0/auditlog"), or null
    depends       the manifest's "depends" (list of module names; [] when absent)
    installable   the manifest's "installable" (default True)
    auto_install, name, license, external_dependencies: as in the manifest (defaults as Odoo's)
    shadowed      other paths that also hold the module (Odoo ignores them: first path wins)
    error         null, or why the module cannot be used: "not found", "invalid manifest: ...", ...
    depends_missing  modules of the dependency closure found in no addons path
    target        only when "series" is given: "found" | "wrong series" | "missing" |
                  "not installable" | "invalid manifest"
    target_version  the version Odoo of that series records (prefix added when the version has
                  2 or 3 parts, as Odoo's adapt_version does), or null

Only `ast.literal_eval` is used: a manifest is a Python dict literal. Manifests that are not
literals (computed values) are reported with an error instead of being executed.
Exit code: 0 (even when modules are missing: see each entry), 2 when the input is not valid JSON.
"""

import ast
import importlib.util
import json
import os
import re
import sys

MANIFEST_NAMES = ('__manifest__.py', '__openerp__.py')
SERIES_DIR_RE = re.compile(r'^(saas~)?\d+\.\d+$')
VERSION_PART_RE = re.compile(r'^\d+$')


def find_module(name, paths):
    """All (path, manifest file name) of `name` in the addons paths, in search order."""
    found = []
    if not name or '/' in name or '\\' in name:
        return found
    for base in paths:
        folder = os.path.join(base, name)
        for manifest in MANIFEST_NAMES:
            if os.path.isfile(os.path.join(folder, manifest)):
                found.append((os.path.normpath(folder), manifest))
                break
    return found


def read_manifest(folder, manifest):
    """The manifest dict, or raises ValueError with a one-line reason."""
    file_name = os.path.join(folder, manifest)
    with open(file_name, 'rb') as f:
        raw = f.read()
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        text = raw.decode('latin-1')
    try:
        value = ast.literal_eval(text)
    except SyntaxError as e:
        raise ValueError('invalid manifest: SyntaxError at line %s: %s' % (e.lineno, e.msg))
    except (ValueError, TypeError) as e:
        # literal_eval refuses names, calls and operators: "malformed node or string on line N: <ast...>"
        m = re.search(r'on line (\d+)', str(e))
        raise ValueError('invalid manifest: not a Python literal%s (computed values are not read)'
                         % (' (line %s)' % m.group(1) if m else ''))
    except (MemoryError, RecursionError) as e:
        raise ValueError('invalid manifest: %s' % type(e).__name__)
    if not isinstance(value, dict):
        raise ValueError('invalid manifest: not a dict but %s' % type(value).__name__)
    return value


def version_series(version):
    """(series prefix or None, error or None) of a manifest version, by Odoo's rules:
    "x.y" / "x.y.z" have no prefix (current series); "S.s.x.y" / "S.s.x.y.z" carry series "S.s"."""
    if not isinstance(version, str) or not version:
        return None, 'version is not a string'
    parts = version.split('.')
    if len(parts) in (2, 3):
        ok = all(VERSION_PART_RE.match(p) for p in parts)
        return None, None if ok else 'invalid version %r' % version
    if len(parts) in (4, 5):
        first = parts[0][len('saas~'):] if parts[0].startswith('saas~') else parts[0]
        ok = all(VERSION_PART_RE.match(p) for p in [first] + parts[1:])
        return '.'.join(parts[:2]), None if ok else 'invalid version %r' % version
    return None, 'invalid version %r: must have 2 to 5 parts' % version


def folder_series(folder):
    for part in reversed(os.path.normpath(folder).split(os.sep)[:-1]):
        if SERIES_DIR_RE.match(part):
            return part
    return None


def describe(name, paths, target):
    entry = {'path': None, 'manifest': None, 'version': None, 'series': None, 'folder_series': None,
             'depends': [], 'installable': None, 'auto_install': None, 'name': None, 'license': None,
             'external_dependencies': None, 'shadowed': [], 'error': None}
    found = find_module(name, paths)
    if not found:
        entry['error'] = 'not found'
        return entry
    folder, manifest_name = found[0]
    entry['path'] = folder
    entry['manifest'] = manifest_name
    entry['shadowed'] = [f for f, _m in found[1:]]
    entry['folder_series'] = folder_series(folder)
    try:
        manifest = read_manifest(folder, manifest_name)
    except (OSError, ValueError) as e:
        entry['error'] = str(e)
        return entry
    version = manifest.get('version', '1.0')
    entry['version'] = version
    depends = manifest.get('depends', [])
    entry['depends'] = list(depends) if isinstance(depends, (list, tuple)) else depends
    entry['installable'] = bool(manifest.get('installable', True))
    entry['auto_install'] = manifest.get('auto_install', False)
    if isinstance(entry['auto_install'], (set, tuple)):
        entry['auto_install'] = sorted(entry['auto_install'])
    entry['name'] = manifest.get('name')
    entry['license'] = manifest.get('license')
    entry['external_dependencies'] = manifest.get('external_dependencies') or {}
    series, verror = version_series(version)
    entry['series'] = series
    if verror and entry['installable']:
        entry['error'] = 'invalid manifest: ' + verror
    return entry


def closure_missing(name, paths, cache):
    """Modules of the dependency closure of `name` that no addons path holds."""
    missing, seen, todo = [], set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in cache:
            cache[current] = describe(current, paths, None)
        entry = cache[current]
        if entry['error'] == 'not found':
            if current != name:
                missing.append(current)
            continue
        for dep in entry['depends'] if isinstance(entry['depends'], list) else []:
            todo.append(dep)
    return sorted(missing)


def target_status(entry, target):
    if entry['error'] == 'not found':
        return 'missing', None
    if entry['error'] and entry['error'].startswith('invalid manifest') and entry['series'] is None:
        return 'invalid manifest', None
    if entry['installable'] is False:
        return 'not installable', None
    series = entry['series']
    if series is not None and series != target:
        return 'wrong series', None
    if series is None and entry['folder_series'] and entry['folder_series'] != target:
        # a series-less version in a folder named for another series
        return 'wrong series', None
    if entry['error']:
        return 'invalid manifest', None
    version = entry['version']
    return 'found', version if series else '%s.%s' % (target, version)


def odoo_own_paths(odoo_bin, data_dir, series, given):
    """The addons folders Odoo searches before (or, by default, instead of) --addons-path."""
    paths = []
    root = os.path.dirname(os.path.realpath(odoo_bin))
    sys.path.insert(0, root)
    try:
        spec = importlib.util.find_spec('odoo')
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        paths.append(os.path.join(list(spec.submodule_search_locations)[0], 'addons'))
    if data_dir and series:
        paths.append(os.path.join(data_dir, 'addons', series))
    if not given:
        paths.append(os.path.join(root, 'addons'))
    return [os.path.normpath(p) for p in paths if os.path.isdir(p)]


def main():
    try:
        request = json.load(sys.stdin)
        paths = [str(p) for p in request.get('addons_paths') or []]
        modules = [str(m) for m in request.get('modules') or []]
        target = request.get('series')
        if request.get('odoo_bin'):
            own = odoo_own_paths(str(request['odoo_bin']), request.get('data_dir'), target, paths)
            paths = own + [p for p in paths if os.path.normpath(p) not in own]
    except (ValueError, AttributeError, TypeError) as e:
        json.dump({'error': 'invalid input: %s' % e}, sys.stdout)
        sys.stdout.write('\n')
        return 2
    cache = {}
    result = {}
    for name in modules:
        entry = describe(name, paths, target)
        cache[name] = entry
        entry['depends_missing'] = closure_missing(name, paths, cache) if entry['path'] else []
        if target:
            entry['target'], entry['target_version'] = target_status(entry, target)
        result[name] = entry
    out = {'series': target, 'addons_paths': [{'path': p, 'exists': os.path.isdir(p)} for p in paths],
           'modules': result}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
