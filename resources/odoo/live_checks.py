# odoo-upgrade live checks, run *inside* the target Odoo.
#
# Usage (the script is fed on stdin; `odoo-bin shell` exec()s stdin when it is not a TTY, with `env`
# predefined as a superuser environment on the database):
#
#   OU_LIVE_CHECKS='{"checks": ["views-render", "reports-render"], "login": "admin"}' \
#     python3 odoo-bin shell -d DB --no-http --max-cron-threads=0 [--addons-path=... --db_* ...] \
#     < live_checks.py
#
# `shell` must be the first argument of odoo-bin. Odoo logs go to stderr (or to --logfile); this script
# prints exactly one JSON document on stdout, between the marker lines
#   @@OU-LIVE-CHECKS-BEGIN@@
#   {...}
#   @@OU-LIVE-CHECKS-END@@
# Anything else on stdout (a module's print()) is outside the markers.
#
# Parameters: environment variable OU_LIVE_CHECKS, a JSON object (every key optional):
#   checks   list among "views-render", "reports-render", "records", "export", "pages-list"
#            (default: all five)
#   login    login of the main user (default: the user with id 2, i.e. admin in a standard database)
#   models   main business models for "records" and "export"
#            (default: res.partner, product.template, sale.order, purchase.order, account.move,
#            stock.picking; the ones not installed are reported as skipped)
#   limits   {"export_records": 50, "report_candidates": 5, "max_failures": 200, "actions": 0,
#             "reports": 0}   (0 = no limit for actions/reports)
#   pdf      true: also render qweb-pdf reports as PDF when wkhtmltopdf is usable (default false);
#            the assets URL (report.url) is pointed at `report_url` (default a closed loopback
#            port) inside the rolled-back transaction, so the PDF is rendered without stylesheets
#   allow_network  true: let the checks make outgoing HTTP requests (default false: refused, listed)
#
# Output: {"series", "version", "database", "user": {id, login}, "params", "checks": [{"id", "ran",
# "failures": [...], "warnings": [...], "skipped": [...], "seconds", ...}], "timings": {...},
# "rolled_back": true, "error": null|"fatal error of the script"}.
# Each failure/warning: {"key": stable id, "kind", "model", "xml_id", "name", "error": one line,
# "detail": last traceback frame "file:line in func", ...}. Failures are blocking findings, warnings
# are not (see README.md next to this file).
#
# Safety: the script never commits. Every check runs in savepoints inside one transaction, the
# cursor's commit() is replaced by a function that raises, and the transaction is rolled back at the
# end (also on error). Side effects that a rollback cannot undo: PostgreSQL sequences used for record
# ids advance (serial ids are not transactional), and files written to the filestore by rolled-back
# attachments stay there until Odoo's filestore garbage collector removes them. ir.sequence numbers
# (order / picking names) are not consumed: the records check gives explicit names.
#
# Verified on Odoo 17.0 (runtime 17.0-20240709). The 16.0 branches use the same APIs as 17.0 (get_views
# and _render_qweb_html(report_ref, docids) exist since 16.0) but were not run here; the <= 15.0
# branches (load_views, report._render_qweb_html(docids) / render_qweb_html) are written from the
# 15.0/13.0 APIs and were not run either.

import json as _ou_json
import os as _ou_os
import re as _ou_re
import sys as _ou_sys
import time as _ou_time
import traceback as _ou_traceback

OU_BEGIN = '@@OU-LIVE-CHECKS-BEGIN@@'
OU_END = '@@OU-LIVE-CHECKS-END@@'
OU_ALL_CHECKS = ['views-render', 'reports-render', 'records', 'export', 'pages-list']
OU_MAIN_MODELS = ['res.partner', 'product.template', 'sale.order', 'purchase.order', 'account.move',
                  'stock.picking']


# the view validation messages of a field that does not exist (17.0 wording; 16.0 is the same)
_OU_MISSING_FIELD_RE = _ou_re.compile(
    r'Field "([^"]+)" does not exist in model|Field `([^`]+)` does not exist'
    r"|Field '([^']+)' found in 'groupby' node does not exist")


class OuCommitRefused(Exception):
    pass


def _ou_inner(exc):
    """The exception that carries the information: QWeb wraps the real error (its cause)."""
    seen = 0
    while type(exc).__name__ == 'QWebException' and seen < 5:
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
        seen += 1
    return exc


def _ou_one_line(exc):
    """The exception as one line: its class and the first non-empty line of its message. A QWeb
    error is reported as its cause, followed by the template and the path of the failing node."""
    outer = exc
    exc = _ou_inner(exc)
    msg = ''
    try:
        if hasattr(exc, 'args') and exc.args and isinstance(exc.args[0], str):
            msg = exc.args[0]
        else:
            msg = str(exc)
    except Exception:  # noqa: BLE001 - str() of some exceptions raises
        msg = repr(exc)
    lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
    text = ' '.join(lines[:1]) if lines else ''
    if '&#' in text or '&quot;' in text or '&lt;' in text:
        import html
        text = html.unescape(text)
    if len(text) > 300:
        text = text[:297] + '...'
    text = '%s: %s' % (type(exc).__name__, text) if text else type(exc).__name__
    if outer is not exc and getattr(outer, 'name', None):
        text += ' (QWeb template %s%s)' % (outer.name, ', node ' + outer.path if getattr(outer, 'path', None) else '')
    return text


def _ou_full_message(exc):
    try:
        msg = str(exc) if type(exc).__name__ == 'QWebException' else \
            (exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc))
    except Exception:  # noqa: BLE001
        msg = repr(exc)
    return msg[:2000]


def _ou_last_frame(exc):
    """The last frame of the exception's traceback, as 'file:line in function: source'."""
    exc = _ou_inner(exc)
    tb = getattr(exc, '__traceback__', None)
    if tb is None:
        return None
    frames = _ou_traceback.extract_tb(tb)
    if not frames:
        return None
    f = frames[-1]
    fname = f.filename
    # shorten to the part after the last 'odoo/' or 'addons/' so it is stable across machines
    for marker in ('/odoo/addons/', '/addons/', '/odoo/', '/dist-packages/', '/site-packages/'):
        idx = fname.rfind(marker)
        if idx >= 0:
            fname = fname[idx + 1:]
            break
    return '%s:%s in %s: %s' % (fname, f.lineno, f.name, (f.line or '').strip())


class OuLiveChecks(object):

    def __init__(self, env, params):
        self.env = env
        self.params = params
        limits = params.get('limits') or {}
        self.export_records = int(limits.get('export_records', 50))
        self.report_candidates = int(limits.get('report_candidates', 5))
        self.max_failures = int(limits.get('max_failures', 200))
        self.max_actions = int(limits.get('actions', 0))
        self.max_reports = int(limits.get('reports', 0))
        self.models = params.get('models') or OU_MAIN_MODELS
        self._xmlid_cache = {}
        self.uenv = None
        self.user = None

    # ---------------------------------------------------------------- helpers
    def xml_id(self, model, res_id):
        """First XML id of a record (module.name), or None. Read with SQL: no access rules."""
        if not res_id:
            return None
        key = (model, res_id)
        if key not in self._xmlid_cache:
            self.env.cr.execute(
                "SELECT module || '.' || name FROM ir_model_data WHERE model = %s AND res_id = %s "
                "ORDER BY id LIMIT 1", (model, res_id))
            row = self.env.cr.fetchone()
            self._xmlid_cache[key] = row[0] if row else None
        return self._xmlid_cache[key]

    def ref_key(self, model, res_id):
        return self.xml_id(model, res_id) or ('%s,%s' % (model, res_id))

    def finding(self, key, kind, model, xml_id, name, exc=None, error=None, **extra):
        item = {
            'key': key,
            'kind': kind,
            'model': model,
            'xml_id': xml_id,
            'name': name,
            'error': error if error is not None else (_ou_one_line(exc) if exc is not None else None),
            'detail': _ou_last_frame(exc) if exc is not None else None,
        }
        item.update(extra)
        return item

    def add(self, bucket, item, result):
        if len(result[bucket]) < self.max_failures:
            result[bucket].append(item)
        else:
            result['truncated'] = True

    def savepoint(self):
        return self.env.cr.savepoint()

    def setup_user(self):
        Users = self.env['res.users'].sudo().with_context(active_test=False)
        login = self.params.get('login')
        if login:
            user = Users.search([('login', '=', login)], limit=1)
            if not user:
                raise ValueError('no user with login %r' % login)
        else:
            user = Users.browse(2).exists()
            if not user:
                raise ValueError('no user with id 2 (admin); give "login"')
        ctx = dict(user.context_get()) if hasattr(user, 'context_get') else {}
        self.user = user
        self.uenv = self.env(user=user.id, context=ctx, su=False) if _ou_env_has_su(self.env) \
            else self.env(user=user.id, context=ctx)
        return user

    def user_in_groups(self, groups):
        if not groups:
            return True
        return bool(groups & self.user.groups_id)

    def eval_action_context(self, text):
        """Evaluate an action's context like the web client would (best effort)."""
        if not text or text.strip() in ('{}', ''):
            return {}
        try:
            from odoo.tools.safe_eval import safe_eval, datetime as sdt, time as stime, dateutil
            eval_ctx = dict(self.uenv.context)
            eval_ctx.update({
                'uid': self.user.id, 'user': self.user, 'active_id': False, 'active_ids': [],
                'active_model': False, 'context_today': lambda: sdt.date.today(),
                'current_date': stime.strftime('%Y-%m-%d'), 'datetime': sdt, 'time': stime,
                'relativedelta': dateutil.relativedelta.relativedelta,
                'allowed_company_ids': self.uenv.companies.ids,
                'current_company_id': self.uenv.company.id,
                'context': dict(self.uenv.context),
            })
            value = safe_eval(text, eval_ctx)
            return value if isinstance(value, dict) else {}
        except Exception:  # noqa: BLE001 - the client tolerates such contexts too
            return {}

    # ----------------------------------------------------------- views-render
    def check_views(self, result):
        env = self.env
        uenv = self.uenv
        View = env['ir.ui.view'].sudo()
        Action = env['ir.actions.act_window'].sudo().with_context(active_test=False)
        actions = Action.search([], order='id')
        if self.max_actions:
            actions = actions[:self.max_actions]
        validated = {}     # view id -> None (valid) or list of findings
        load_seen = {}     # load-failure key -> finding (to add actions to it)
        result['actions'] = 0
        result['views'] = 0
        for action in actions:
            akey = self.ref_key('ir.actions.act_window', action.id)
            model_name = action.res_model
            if not self.user_in_groups(action.groups_id):
                result['skipped'].append({'key': 'action:' + akey, 'reason': 'user not in the action groups'})
                continue
            if model_name not in env:
                self.add('failures', self.finding(
                    'action:' + akey, 'model-missing', model_name, self.xml_id('ir.actions.act_window', action.id),
                    action.name, error='model %s of the action does not exist' % model_name,
                    action=akey), result)
                result['ran'] += 1
                continue
            UModel = uenv[model_name]
            if not UModel.check_access_rights('read', raise_exception=False):
                result['skipped'].append({'key': 'action:' + akey, 'reason': 'no read access to %s' % model_name})
                continue
            views = [[vid or False, vtype] for vid, vtype in (action.views or [])]
            types = [vt for _v, vt in views]
            if 'search' not in types:
                views.append([action.search_view_id.id or False, 'search'])
            ctx = self.eval_action_context(action.context)
            # keep only what may change a view (lang, *_view_ref) and what overrides of get_views read
            UModel = UModel.with_context(**{k: v for k, v in ctx.items() if isinstance(k, str)})
            result['ran'] += 1
            result['actions'] += 1
            try:
                with self.savepoint():
                    res = self.get_views(UModel, views, action.id)
            except Exception as exc:  # noqa: BLE001
                self.locate_load_failure(UModel, views, action, akey, exc, load_seen, result)
                continue
            for vtype, vdata in res['views'].items():
                result['views'] += 1
                undefined = self.undefined_fields(vdata.get('arch'), model_name, res['models'])
                root_id = vdata.get('id') or False
                if root_id:
                    self.validate_tree(View, root_id, validated, result, akey)
                for (umodel, fname) in undefined:
                    vx = self.xml_id('ir.ui.view', root_id) if root_id else None
                    key = 'undefined-field:%s.%s' % (umodel, fname)
                    if key in load_seen:
                        load_seen[key]['actions'].append(akey)
                        continue
                    item = self.finding(
                        key, 'undefined-field', umodel, vx, vdata.get('name'),
                        error='"%s"."%s" field is undefined.' % (umodel, fname),
                        view_type=vtype, view_id=root_id, actions=[akey])
                    load_seen[key] = item
                    self.add('failures', item, result)
        # an undefined field explained by a view validation failure is reported once, on that view
        explained = set()
        for item in result['failures']:
            if item.get('kind') == 'invalid-view' and item.get('missing_field'):
                explained.add('undefined-field:%s' % item['missing_field'])
        result['failures'] = [f for f in result['failures'] if f['key'] not in explained]

    def get_views(self, UModel, views, action_id):
        if hasattr(UModel, 'get_views'):  # 16.0+ (verified on 17.0)
            res = UModel.get_views(views, {'toolbar': True, 'load_filters': True, 'action_id': action_id})
            return res
        # 11.0 - 15.0 (not run here): load_views returns fields_views + fields
        res = UModel.load_views(views, {'toolbar': True, 'load_filters': True, 'action_id': action_id})
        out = {'views': {}, 'models': {UModel._name: res.get('fields', {})}}
        for vtype, fv in res.get('fields_views', {}).items():
            out['views'][vtype] = {'arch': fv.get('arch'), 'id': fv.get('view_id'), 'name': fv.get('name')}
        return out

    def undefined_fields(self, arch, model_name, models):
        """Fields in the arch the web client would not find in `models` (it then throws
        '"model"."field" field is undefined.'). Follows x2many sub-views and list groupby nodes."""
        if not arch:
            return []
        try:
            from lxml import etree
            root = etree.fromstring(arch.encode() if isinstance(arch, str) else arch)
        except Exception:  # noqa: BLE001
            return []
        out = []

        def walk(node, model):
            fields = models.get(model)
            for child in node:
                if not isinstance(child.tag, str):
                    continue
                sub_model = model
                if child.tag in ('field', 'groupby') and child.get('name'):
                    name = child.get('name')
                    if fields is not None and name not in fields:
                        out.append((model, name))
                    elif fields is not None:
                        rel = fields[name].get('relation')
                        if rel and (child.tag == 'groupby' or any(
                                isinstance(c.tag, str) and c.tag in ('tree', 'list', 'form', 'kanban', 'graph', 'calendar')
                                for c in child)):
                            sub_model = rel
                walk(child, sub_model)
        walk(root, model_name)
        return out

    def locate_load_failure(self, UModel, views, action, akey, exc, load_seen, result):
        """get_views raised: find which view type fails and which view is the culprit."""
        found = False
        for vid, vtype in views:
            try:
                with self.savepoint():
                    if hasattr(UModel, 'get_view'):
                        UModel.get_view(vid, vtype if vtype != 'list' else 'tree')
                    else:
                        UModel.fields_view_get(vid, vtype)
            except Exception as vexc:  # noqa: BLE001
                found = True
                ctx = getattr(vexc, 'context', None) or {}
                culprit = ctx.get('view') if isinstance(ctx, dict) else None
                if culprit is not None and getattr(culprit, 'id', None):
                    vx = self.xml_id('ir.ui.view', culprit.id)
                    key = 'view:' + (vx or 'ir.ui.view,%s' % culprit.id)
                    vname, vidn = ctx.get('name'), culprit.id
                else:
                    vx = self.xml_id('ir.ui.view', vid) if vid else None
                    key = 'view-load:%s:%s:%s' % (UModel._name, vtype, vx or (vid and 'ir.ui.view,%s' % vid) or 'default')
                    vname, vidn = None, vid
                if key in load_seen:
                    load_seen[key]['actions'].append(akey)
                    continue
                item = self.finding(key, 'load-error', UModel._name, vx, vname, vexc, view_type=vtype,
                                    view_id=vidn, actions=[akey], message=_ou_full_message(vexc))
                load_seen[key] = item
                self.add('failures', item, result)
        if not found:  # only the combination fails (toolbar, filters, ...)
            key = 'action:' + akey
            self.add('failures', self.finding(key, 'load-error', UModel._name,
                                              self.xml_id('ir.actions.act_window', action.id), action.name, exc,
                                              actions=[akey], message=_ou_full_message(exc)), result)

    def validate_tree(self, View, root_id, validated, result, akey):
        """Validate the view as Odoo does on save/update (_check_xml); on failure, validate each view
        of its inheritance tree alone (partial validation) to name the culprit views."""
        if root_id in validated:
            for item in validated[root_id] or []:
                if akey not in item['actions']:
                    item['actions'].append(akey)
            return
        validated[root_id] = None
        view = View.browse(root_id)
        try:
            with self.savepoint():
                view._check_xml()
            return
        except Exception as exc:  # noqa: BLE001
            root_exc = exc
        # find the culprits
        chain = []
        v = view
        while v:
            chain.append(v.id)
            v = v.inherit_id
        try:
            tree = View.browse(chain)._get_inheriting_views()
        except Exception:  # noqa: BLE001
            tree = view
        items = []
        known = dict((i['key'], i) for i in result['failures'] + result['warnings'])
        # extension views first (a primary view's partial validation is a full one), the primary ones
        # only if no extension view is to blame
        extensions = tree.filtered(lambda tv: tv.mode == 'extension')
        for group in (extensions, tree - extensions):
            for tv in group:
                key_vx = self.xml_id('ir.ui.view', tv.id)
                key = 'view:' + (key_vx or 'ir.ui.view,%s' % tv.id)
                if key in known:   # already blamed (through another action or primary view)
                    items.append(known[key])
                    continue
                try:
                    with self.savepoint():
                        tv.with_context(ir_ui_view_partial_validation=True)._check_xml()
                except Exception as exc:  # noqa: BLE001
                    if self.own_fault(tv, exc):
                        items.append(self.view_finding(tv, key, key_vx, exc, akey))
            if items:
                break
        if not items:  # not attributable to one view: report on the root
            key_vx = self.xml_id('ir.ui.view', root_id)
            items.append(self.view_finding(view, 'view:' + (key_vx or 'ir.ui.view,%s' % root_id), key_vx,
                                           root_exc, akey))
        for item in items:
            if akey not in item['actions']:
                item['actions'].append(akey)
            if '_blocking' in item:   # a new finding
                self.add('failures' if item.pop('_blocking') else 'warnings', item, result)
        validated[root_id] = items

    def own_fault(self, view, exc):
        """Partial validation checks the nodes a view brings, but some checks look at the whole
        combined arch (the 17.0 "attrs"/"states" check, the fields of the name manager). A view is
        blamed for such an error only if its own arch has the attribute or names the field."""
        msg = _ou_full_message(exc)
        try:
            arch = view.arch_db or ''
        except Exception:  # noqa: BLE001
            return True
        if 'attrs" and "states" attributes are no longer used' in msg:
            return bool(_ou_re.search(r'\s(attrs|states)\s*=', arch))
        m = _OU_MISSING_FIELD_RE.search(msg)
        if m:
            fname = next(g for g in m.groups() if g)
            return bool(_ou_re.search(r'(?<![\w.])%s(?![\w])' % _ou_re.escape(fname), arch))
        return True

    def view_finding(self, view, key, xml_id, exc, akey):
        msg = _ou_full_message(exc)
        m = _ou_re.search(r'Field "([^"]+)" does not exist in model "([^"]+)"', msg)
        m2 = _OU_MISSING_FIELD_RE.search(msg)
        # the last non-empty line carries the reason; the first lines are the arch excerpt
        lines = [ln.strip() for ln in msg.splitlines() if ln.strip()]
        reason = None
        for ln in lines:
            if ln.startswith(('Field ', 'Since 17.0', 'Unknown field', 'Element ', 'Invalid ', 'Error ')) \
                    and not ln.startswith(('Error while validating view near', 'Error while parsing')):
                reason = ln
                break
        if reason is None:
            reason = lines[-1] if lines else type(exc).__name__
        item = self.finding(key, 'invalid-view', view.model, xml_id, view.name,
                            error='%s: %s' % (type(exc).__name__, reason[:300]), detail=_ou_last_frame(exc),
                            view_id=view.id, inherit_id=view.inherit_id.id or None,
                            inherit_xml_id=self.xml_id('ir.ui.view', view.inherit_id.id) if view.inherit_id else None,
                            actions=[akey], message=msg)
        item['detail'] = _ou_last_frame(exc)
        if m:
            item['missing_field'] = '%s.%s' % (m.group(2), m.group(1))
        elif m2:
            item['missing_field'] = '%s.%s' % (view.model, next(g for g in m2.groups() if g))
        item['_blocking'] = bool(m or m2)
        return item

    # ---------------------------------------------------------- reports-render
    def check_reports(self, result):
        import inspect
        env = self.env
        Report = env['ir.actions.report'].sudo()
        reports = Report.search([('report_type', 'in', ('qweb-html', 'qweb-pdf'))], order='id')
        if self.max_reports:
            reports = reports[:self.max_reports]
        from odoo.exceptions import UserError
        try:
            from odoo.exceptions import AccessError, MissingError, ValidationError
            soft = (UserError, AccessError, MissingError, ValidationError)
        except ImportError:  # pragma: no cover
            soft = (UserError,)
        URep = self.uenv['ir.actions.report']
        new_api = 'report_ref' in inspect.signature(type(URep)._render_qweb_html).parameters \
            if hasattr(type(URep), '_render_qweb_html') else False
        # PDF needs wkhtmltopdf ("ok" state: Odoo finds it on PATH or at bin_path); opt-in with
        # "pdf": true. wkhtmltopdf fetches the report's assets from report.url / web.base.url: that
        # URL is pointed at a closed loopback port for this (rolled back) transaction, so that no
        # other server is asked; the PDF is then rendered without the stylesheets (wkhtmltopdf
        # 0.12.6 exits 0 or 1, which Odoo accepts).
        try:
            pdf_state = self.env['ir.actions.report'].get_wkhtmltopdf_state()
        except Exception:  # noqa: BLE001
            pdf_state = 'unknown'
        want_pdf = bool(self.params.get('pdf')) and pdf_state == 'ok'
        result['pdf'] = {'wkhtmltopdf': pdf_state, 'rendered': want_pdf}
        if want_pdf:
            url = self.params.get('report_url') or 'http://127.0.0.1:9'
            self.env['ir.config_parameter'].sudo().set_param('report.url', url)
        for report in reports:
            rx = self.xml_id('ir.actions.report', report.id)
            key = 'report:' + (rx or 'ir.actions.report,%s' % report.id)
            if not self.user_in_groups(report.groups_id):
                result['skipped'].append({'key': key, 'reason': 'user not in the report groups'})
                continue
            if report.model not in env:
                result['ran'] += 1
                self.add('failures', self.finding(key, 'model-missing', report.model, rx, report.name,
                                                  error='model %s of the report does not exist' % report.model,
                                                  report_name=report.report_name), result)
                continue
            UModel = self.uenv[report.model]
            if not UModel.check_access_rights('read', raise_exception=False):
                result['skipped'].append({'key': key, 'reason': 'no read access to %s' % report.model})
                continue
            try:
                ids = UModel.search([], order='id', limit=self.report_candidates).ids
            except Exception as exc:  # noqa: BLE001
                ids = []
                result['skipped'].append({'key': key, 'reason': 'cannot search %s: %s' % (report.model, _ou_one_line(exc))})
                continue
            if not ids:
                result['skipped'].append({'key': key, 'reason': 'no record of %s' % report.model})
                continue
            result['ran'] += 1
            last_soft = None
            done = False
            for rid in ids:
                t0 = _ou_time.time()
                try:
                    with self.savepoint():
                        if new_api:
                            html, _fmt = URep._render_qweb_html(report.report_name, [rid])
                        elif hasattr(report, '_render_qweb_html'):
                            html, _fmt = report.with_env(self.uenv)._render_qweb_html([rid])
                        else:
                            html, _fmt = report.with_env(self.uenv).render_qweb_html([rid])
                    if not html or not html.strip():
                        raise ValueError('empty HTML')
                    rendered = {'key': key, 'res_id': rid, 'bytes': len(html)}
                    if want_pdf and report.report_type == 'qweb-pdf':
                        self.render_pdf(URep, report, rx, key, rid, rendered, result, soft)
                    rendered['seconds'] = round(_ou_time.time() - t0, 3)
                    result['rendered'].append(rendered)
                    done = True
                    break
                except soft as exc:  # a business refusal on this record: try the next one
                    last_soft = exc
                    continue
                except Exception as exc:  # noqa: BLE001
                    self.add('failures', self.finding(key, 'render-error', report.model, rx, report.name, exc,
                                                      report_name=report.report_name, res_id=rid,
                                                      message=_ou_full_message(exc)), result)
                    done = True
                    break
            if not done:
                result['ran'] -= 1
                result['skipped'].append({'key': key, 'reason': 'every candidate record refused: %s'
                                          % _ou_one_line(last_soft)})

    def render_pdf(self, URep, report, rx, key, rid, rendered, result, soft):
        """The PDF of a report whose HTML rendered on record `rid`. A business refusal of the PDF
        step itself (17.0's "Original Bills" raises UserError when the move has no original
        document) skips the PDF, said; wkhtmltopdf failing (Odoo raises UserError "Wkhtmltopdf
        failed ...") or any other exception is a `pdf-error` failure."""
        try:
            with self.savepoint():
                pdf, _fmt = URep._render_qweb_pdf(report.report_name, [rid])
            if not pdf or not pdf.startswith(b'%PDF'):
                raise ValueError('wkhtmltopdf produced no PDF')
            rendered['pdf_bytes'] = len(pdf)
            result['pdf']['count'] = result['pdf'].get('count', 0) + 1
        except soft as exc:
            if 'wkhtmltopdf' not in _ou_one_line(exc).lower():
                result['skipped'].append({'key': key + ':pdf', 'reason': 'PDF refused on record %s: %s'
                                          % (rid, _ou_one_line(exc))})
                return
            self.add('failures', self.finding(key, 'pdf-error', report.model, rx, report.name, exc,
                                              report_name=report.report_name, res_id=rid,
                                              message=_ou_full_message(exc)), result)
        except Exception as exc:  # noqa: BLE001
            self.add('failures', self.finding(key, 'pdf-error', report.model, rx, report.name, exc,
                                              report_name=report.report_name, res_id=rid,
                                              message=_ou_full_message(exc)), result)

    # ----------------------------------------------------------------- records
    def check_records(self, result):
        builders = {
            'res.partner': self._vals_partner,
            'product.template': self._vals_product,
            'sale.order': self._vals_sale,
            'purchase.order': self._vals_purchase,
            'account.move': self._vals_invoice,
            'stock.picking': self._vals_picking,
        }
        write_vals = {
            'res.partner': {'phone': '+1 555 0100'},
            'product.template': {'list_price': 12.5},
            'sale.order': {'client_order_ref': 'OU-LIVE-CHECK-W'},
            'purchase.order': {'partner_ref': 'OU-LIVE-CHECK-W'},
            'account.move': {'ref': 'OU-LIVE-CHECK-W'},
            'stock.picking': {'origin': 'OU-LIVE-CHECK-W'},
        }
        for model in self.models:
            key = 'record:' + model
            if model not in self.env:
                result['skipped'].append({'key': key, 'reason': 'model not installed'})
                continue
            builder = builders.get(model)
            result['ran'] += 1
            step = 'prepare'
            t0 = _ou_time.time()
            try:
                with self.savepoint():
                    vals = builder() if builder else {'name': 'OU live check'}
                    step = 'create'
                    rec = self.uenv[model].create(vals)
                    rec.flush_recordset() if hasattr(rec, 'flush_recordset') else rec.flush()
                    step = 'write'
                    rec.write(write_vals.get(model, {'name': 'OU live check (w)'}))
                    rec.flush_recordset() if hasattr(rec, 'flush_recordset') else rec.flush()
                    if model == 'purchase.order' and hasattr(rec, 'button_cancel'):
                        step = 'cancel'   # a purchase order must be cancelled before it can be deleted
                        rec.button_cancel()
                    step = 'unlink'
                    rec.unlink()
                    self.env.flush_all() if hasattr(self.env, 'flush_all') else self.env['base'].flush()
                result['done'].append({'key': key, 'seconds': round(_ou_time.time() - t0, 3)})
            except _OuSkip as exc:
                result['ran'] -= 1
                result['skipped'].append({'key': key, 'reason': str(exc)})
            except Exception as exc:  # noqa: BLE001
                if type(exc).__name__ == 'AccessError':
                    # the main user may not do this (also true before the upgrade): not a finding
                    result['ran'] -= 1
                    result['skipped'].append({'key': key, 'reason': 'access rights (%s): %s' % (step, _ou_one_line(exc))})
                    continue
                self.add('failures', self.finding(key, 'record-error', model, None, step, exc, step=step,
                                                  message=_ou_full_message(exc)), result)

    def _first(self, model, domain, what):
        rec = self.uenv[model].search(domain, order='id', limit=1)
        if not rec:
            raise _OuSkip('no %s to use' % what)
        return rec

    def _vals_partner(self):
        return {'name': 'OU live check partner'}

    def _vals_product(self):
        return {'name': 'OU live check product'}

    def _customer(self):
        return self._first('res.partner', [('type', '!=', 'private')] if 'type' in self.env['res.partner']._fields else [],
                           'partner')

    def _product(self, extra=None):
        return self._first('product.product', list(extra or []), 'product')

    def _vals_sale(self):
        product = self._product([('sale_ok', '=', True)])
        return {'name': 'OU-LIVE-CHECK', 'partner_id': self._customer().id,
                'order_line': [(0, 0, {'product_id': product.id, 'product_uom_qty': 1})]}

    def _vals_purchase(self):
        product = self._product([('purchase_ok', '=', True)])
        return {'name': 'OU-LIVE-CHECK', 'partner_id': self._customer().id,
                'order_line': [(0, 0, {'product_id': product.id, 'product_qty': 1, 'price_unit': 10.0,
                                       'name': product.display_name, 'product_uom': product.uom_po_id.id})]}

    def _vals_invoice(self):
        product = self._product([('sale_ok', '=', True)])
        field = 'move_type' if 'move_type' in self.env['account.move']._fields else 'type'
        return {field: 'out_invoice', 'partner_id': self._customer().id,
                'invoice_line_ids': [(0, 0, {'product_id': product.id, 'quantity': 1, 'price_unit': 10.0})]}

    def _vals_picking(self):
        company = self.uenv.company
        ptype = self._first('stock.picking.type', [('code', '=', 'outgoing'), ('company_id', '=', company.id)],
                            'outgoing picking type')
        pfields = self.env['product.product']._fields
        if 'detailed_type' in pfields:
            extra = [('detailed_type', '=', 'product')]
        elif 'is_storable' in pfields:  # 18.0
            extra = [('is_storable', '=', True)]
        else:
            extra = [('type', '=', 'product')]
        product = self._product(extra)
        src = ptype.default_location_src_id
        dst = ptype.default_location_dest_id or self.env.ref('stock.stock_location_customers')
        move_field = 'move_ids' if 'move_ids' in self.env['stock.picking']._fields else 'move_lines'
        return {'name': 'OU/LIVE/CHECK', 'picking_type_id': ptype.id, 'partner_id': self._customer().id,
                'location_id': src.id, 'location_dest_id': dst.id,
                move_field: [(0, 0, {'name': product.display_name, 'product_id': product.id,
                                     'product_uom_qty': 1, 'product_uom': product.uom_id.id,
                                     'location_id': src.id, 'location_dest_id': dst.id})]}

    # ------------------------------------------------------------------ export
    def check_export(self, result):
        for model in self.models:
            key = 'export:' + model
            if model not in self.env:
                result['skipped'].append({'key': key, 'reason': 'model not installed'})
                continue
            UModel = self.uenv[model]
            if not UModel.check_access_rights('read', raise_exception=False):
                result['skipped'].append({'key': key, 'reason': 'no read access'})
                continue
            result['ran'] += 1
            fields = []
            t0 = _ou_time.time()
            try:
                with self.savepoint():
                    fields = self.list_view_fields(UModel)
                    records = UModel.search([], order='id', limit=self.export_records)
                    data = records.export_data(fields)
                    rows = data.get('datas', []) if isinstance(data, dict) else data
                result['done'].append({'key': key, 'fields': fields, 'records': len(records), 'rows': len(rows),
                                       'seconds': round(_ou_time.time() - t0, 3)})
            except Exception as exc:  # noqa: BLE001
                self.add('failures', self.finding(key, 'export-error', model, None, model, exc, fields=fields,
                                                  message=_ou_full_message(exc)), result)

    def list_view_fields(self, UModel):
        """The columns of the model's default list view that the user sees (not column_invisible),
        which is what the web client pre-selects in its export dialog; else name/display_name."""
        from lxml import etree
        fields = []
        try:
            if hasattr(UModel, 'get_views'):
                res = UModel.get_views([[False, 'list']])
                arch = res['views']['list']['arch']
                known = res['models'][UModel._name]
            else:
                fv = UModel.fields_view_get(False, 'tree')
                arch, known = fv['arch'], fv['fields']
            root = etree.fromstring(arch.encode() if isinstance(arch, str) else arch)
            for node in root:
                if not isinstance(node.tag, str) or node.tag != 'field':
                    continue
                name = node.get('name')
                if node.get('column_invisible') in ('1', 'True', 'true') or node.get('invisible') in ('1', 'True', 'true'):
                    continue
                f = UModel._fields.get(name)
                if name in known and f is not None and getattr(f, 'exportable', True) and name not in fields:
                    fields.append(name)
        except Exception:  # noqa: BLE001 - fall back below; a broken list view is views-render's finding
            fields = []
        if not fields:
            fields = [f for f in ('name', 'display_name') if f in UModel._fields]
        return fields

    # -------------------------------------------------------------- pages-list
    def check_pages(self, result):
        env = self.env
        result['websites'] = []
        if 'website' not in env or 'website.page' not in env:
            result['skipped'].append({'key': 'pages', 'reason': 'website not installed'})
            return
        base_url = env['ir.config_parameter'].sudo().get_param('web.base.url')
        # over HTTP, a request whose Host matches no website domain gets the first website in
        # (sequence, id) order: only that one (and websites with a domain) can be fetched by URL
        fallback = env['website'].sudo().search([], limit=1)
        for website in env['website'].sudo().search([], order='id'):
            result['ran'] += 1
            w = website.with_context(website_id=website.id)
            entry = {'id': website.id, 'name': website.name, 'domain': website.domain or None,
                     'base_url': base_url, 'homepage_url': getattr(website, 'homepage_url', None) or '/',
                     'pages': [], 'menus': [], 'unpublished_pages': 0,
                     'http_fallback': website.id == fallback.id}
            try:
                with self.savepoint():
                    if hasattr(w, '_get_website_pages'):
                        pages = w._get_website_pages(order='url')
                    else:
                        pages = env['website.page'].sudo().search(w.website_domain(), order='url')
                    for page in pages:
                        published = page.is_published if 'is_published' in page._fields else page.website_published
                        if not published:
                            entry['unpublished_pages'] += 1
                            continue
                        entry['pages'].append({'url': page.url, 'name': page.name, 'id': page.id,
                                               'xml_id': self.xml_id('website.page', page.id),
                                               'website_id': page.website_id.id or None,
                                               'indexed': bool(page.website_indexed)})
                    menus = env['website.menu'].sudo().search([('website_id', '=', website.id)], order='id')
                    for menu in menus:
                        url = menu.url or ''
                        if not menu.parent_id:   # the invisible root ("Top Menu"), url /default-main-menu
                            continue
                        if not url or url == '#':
                            continue
                        external = bool(_ou_re.match(r'^[a-z][a-z0-9+.-]*:', url)) or url.startswith('//')
                        entry['menus'].append({'url': url, 'name': menu.name, 'id': menu.id, 'external': external,
                                               'page_id': menu.page_id.id or None})
            except Exception as exc:  # noqa: BLE001
                self.add('failures', self.finding('pages:website,%s' % website.id, 'pages-error', 'website', None,
                                                  website.name, exc), result)
            result['websites'].append(entry)


class _OuSkip(Exception):
    pass


def _ou_env_has_su(env):
    return hasattr(env, 'su')


def _ou_series():
    try:
        import odoo.release as rel
        return getattr(rel, 'series', None) or getattr(rel, 'serie', None), getattr(rel, 'version', None)
    except Exception:  # noqa: BLE001
        return None, None


def _ou_refuse_commit(*_a, **_k):
    raise OuCommitRefused('live checks must not commit (commit refused by live_checks.py)')


class OuNetworkGuard(object):
    """Refuses outgoing HTTP through `requests` (Odoo's IAP, partner autocomplete, ... call out from
    some views: iap.account's list view calls iap.odoo.com). The refused URLs are reported."""

    def __init__(self):
        self.blocked = []
        self._orig = None

    def __enter__(self):
        try:
            import requests.sessions
        except ImportError:
            return self
        guard = self
        self._orig = requests.sessions.Session.request

        def request(session, method, url, *args, **kwargs):
            host = ''
            try:
                from urllib.parse import urlsplit
                host = urlsplit(url).hostname or ''
            except Exception:  # noqa: BLE001
                pass
            if host in ('127.0.0.1', 'localhost', '::1'):
                return guard._orig(session, method, url, *args, **kwargs)
            if len(guard.blocked) < 50:
                guard.blocked.append('%s %s' % (method.upper(), url))
            raise requests.exceptions.ConnectionError('outgoing HTTP disabled by live_checks.py: %s' % url)
        requests.sessions.Session.request = request
        return self

    def __exit__(self, *exc):
        if self._orig is not None:
            import requests.sessions
            requests.sessions.Session.request = self._orig
        return False


def _ou_run(env):
    t_start = _ou_time.time()
    series, version = _ou_series()
    out = {'series': series, 'version': version, 'database': env.cr.dbname, 'user': None, 'params': None,
           'checks': [], 'timings': {}, 'rolled_back': False, 'error': None}
    cr = env.cr
    original_commit = cr.commit
    try:
        params = _ou_json.loads(_ou_os.environ.get('OU_LIVE_CHECKS') or '{}')
        if not isinstance(params, dict):
            raise ValueError('OU_LIVE_CHECKS must be a JSON object')
        checks = params.get('checks') or list(OU_ALL_CHECKS)
        unknown = [c for c in checks if c not in OU_ALL_CHECKS]
        if unknown:
            raise ValueError('unknown checks: %s' % ', '.join(unknown))
        out['params'] = params
        cr.commit = _ou_refuse_commit   # instance attribute shadows Cursor.commit
        runner = OuLiveChecks(env, params)
        user = runner.setup_user()
        out['user'] = {'id': user.id, 'login': user.login}
        guard = OuNetworkGuard() if not params.get('allow_network') else None
        if guard is not None:
            guard.__enter__()
            out['network_blocked'] = guard.blocked
        try:
            _ou_run_checks(runner, checks, out, cr)
        finally:
            if guard is not None:
                guard.__exit__(None, None, None)
    except Exception as exc:  # noqa: BLE001
        out['error'] = _ou_one_line(exc)
        out['error_detail'] = _ou_last_frame(exc)
    finally:
        try:
            cr.rollback()
            out['rolled_back'] = True
        except Exception as exc:  # noqa: BLE001
            out['rolled_back'] = False
            out['error'] = out['error'] or ('rollback failed: ' + _ou_one_line(exc))
        try:
            del cr.commit   # back to Cursor.commit (nothing is pending: the shell's own commit is a no-op)
        except Exception:  # noqa: BLE001
            cr.commit = original_commit
        out['timings']['total'] = round(_ou_time.time() - t_start, 3)
    return out


def _ou_run_checks(runner, checks, out, cr):
    methods = {'views-render': runner.check_views, 'reports-render': runner.check_reports,
               'records': runner.check_records, 'export': runner.check_export,
               'pages-list': runner.check_pages}
    for check in checks:
        result = {'id': check, 'ran': 0, 'failures': [], 'warnings': [], 'skipped': []}
        if check == 'reports-render':
            result['rendered'] = []
        if check in ('records', 'export'):
            result['done'] = []
        t0 = _ou_time.time()
        try:
            methods[check](result)
        except Exception as exc:  # noqa: BLE001 - the check itself crashed: report it as a failure
            try:
                cr.rollback()
            except Exception:  # noqa: BLE001
                pass
            result['failures'].append(runner.finding('check:' + check, 'check-crashed', None, None, check, exc,
                                                     message=_ou_full_message(exc)))
        result['seconds'] = round(_ou_time.time() - t0, 3)
        out['timings'][check] = result['seconds']
        out['checks'].append(result)


def _ou_main():
    try:
        out = _ou_run(env)  # noqa: F821 - `env` is defined by `odoo-bin shell`
    except NameError as exc:
        out = {'series': None, 'checks': [], 'timings': {}, 'rolled_back': False,
               'error': 'no Odoo environment (run through "odoo-bin shell -d DB"): %s' % exc}
    text = _ou_json.dumps(out, indent=1, sort_keys=True, default=str)
    _ou_sys.stdout.flush()
    _ou_sys.stdout.write('\n' + OU_BEGIN + '\n' + text + '\n' + OU_END + '\n')
    _ou_sys.stdout.flush()


_ou_main()
