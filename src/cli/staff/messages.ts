// What the staff CLI (`baomi console login|agents|events|…`) says, in both languages: its
// help, its output and the codes only it raises (CONSOLE_CLIENT_CODES). What the console
// itself refuses arrives in the console's own words (the WireError's message, in the language
// the CLI sent as Accept-Language) inside CONSOLE_CLIENT_REFUSED.
//
// Nothing here ever holds a token or a password.
import type { ConsoleClientCode } from '../../core/codes/index.js';
import type { Catalog, CodeCatalog } from '../../core/i18n/types.js';

export const staffCliMessages = {
  en: {
    'cli.cmd.staffLogin':
      'log in to a console and make an API token for the staff commands and scripts; the password is asked for (not shown) or read from piped stdin; prints the token once, as the lines that export it',
    'cli.cmd.staffLogout':
      'end the API token in use (BAOMI_CONSOLE_TOKEN or --api-token): it stops working at once',
    'cli.cmd.staffAgents': 'list the agents enrolled with the console (staff CLI, API token)',
    'cli.cmd.staffAgent': 'show one agent: its group, state, last heartbeat and policy',
    'cli.cmd.staffRevoke': 'revoke an agent (admin): the console refuses its requests from then on',
    'cli.cmd.staffEvents':
      'list every agent’s events on the console, with the filters of `baomi events`; complete unless --limit',
    'cli.cmd.staffAlerts': 'list the console’s alerts (chain breaks, gaps, silent agents, rules)',
    'cli.cmd.staffRequests': 'list USB exception requests',
    'cli.cmd.staffApprove':
      'approve an exception request (admin, analyst): the console signs a token the agent gets at its next sync',
    'cli.cmd.staffDeny': 'deny an exception request (admin, analyst); the person is told',
    'cli.cmd.staffAlert':
      'move an alert to another stage (admin, analyst): forward, or back to 调查 to re-open it',
    'cli.cmd.staffPolicy': 'policies distributed by the console',
    'cli.cmd.staffPolicyUpload':
      'upload a signed policy (FILE and FILE.sig) for a group, a department or a personnel class (admin)',
    'cli.cmd.staffPolicyList': 'list the policies uploaded, with their targets',
    'cli.cmd.staffPolicyVersions':
      'how many agents run which policy version (from their heartbeats)',
    'cli.cmd.staffEnrollToken':
      'make an enrollment token for a group and print the `baomi enroll` line for IT (admin); or --list, --revoke ID',
    'cli.cmd.staffAudit':
      'read the console’s audit trail of staff actions (admin, auditor); --verify walks its hash chain',
    'cli.arg.agentId': 'the agent’s id (as `baomi console agents` lists it)',
    'cli.arg.requestId': 'the request’s id (as `baomi console requests` lists it)',
    'cli.arg.alertId': 'the alert’s id (as `baomi console alerts` lists it)',
    'cli.arg.staffPolicyFile': 'the signed policy file; its signature FILE.sig must be beside it',
    'cli.opt.staffConsole':
      'the console’s address, https://HOST:PORT (default: $BAOMI_CONSOLE); http:// only for this computer',
    'cli.opt.staffToken':
      'the API token (default: $BAOMI_CONSOLE_TOKEN, which is better: an argument shows in `ps` and the shell history)',
    'cli.opt.staffCa':
      'trust only this certificate for the console (PEM: its --tls-cert file, or its CA’s; default: $BAOMI_CONSOLE_CA)',
    'cli.opt.staffDays': 'how many days the token is valid, 1 to 365 (default: 90)',
    'cli.opt.staffGroupFilter': 'only agents of this enrollment group',
    'cli.opt.staffAgentText': 'only agents whose host name or id contains this text',
    'cli.opt.staffAgent': 'only this agent (its id)',
    'cli.opt.staffUser': 'only events recorded while this person was at the console',
    'cli.opt.staffEventText':
      'only events whose data, user or host contains this text (paths, reasons)',
    'cli.opt.staffAlertState':
      'only alerts in this state: 预报 调查 初步评估 处置 结案 (or forecast, investigating, assessed, handled, closed)',
    'cli.opt.staffAlertType': 'only alerts of these types (exact: agent.silent, chain.broken…)',
    'cli.opt.staffAlertLimit': 'only the newest N alerts (default and 0: every matching alert)',
    'cli.opt.staffAlertTo':
      'the stage: 预报 调查 初步评估 处置 结案, or forecast investigating assessed handled closed',
    'cli.opt.staffAlertNote': 'why (1 to 2000 characters; recorded in the audit trail)',
    'cli.opt.staffRequestState': 'only requests in this state: pending, approved or denied',
    'cli.opt.staffNote': 'why (recorded in the audit trail and shown to the person)',
    'cli.opt.staffHours': 'how long the exception is valid, in hours, 1 to 744 (default: 8)',
    'cli.opt.staffPolicyGroup': 'for the agents of this enrollment group',
    'cli.opt.staffPolicyDepartment': 'for the agents of every group of this department',
    'cli.opt.staffPolicyClass': 'for the agents whose people are of this class: 核心, 重要 or 一般',
    'cli.opt.staffPolicyTrustDir':
      'check the signature against DIR/policy/*.pub (the keys the agents trust) before sending; refused, nothing is sent',
    'cli.opt.staffEnrollGroup': 'make a token: the group the agents join',
    'cli.opt.staffUses': 'how many agents may enroll with it, 1 to 10000 (default: 1)',
    'cli.opt.staffEnrollHours': 'how long it is valid, in hours, 1 to 2160 (default: 24)',
    'cli.opt.staffDepartment': 'the group’s department (kept with the group)',
    'cli.opt.staffRegroup':
      'change an existing group’s department or class (every agent in it moves, with its policies and report rows)',
    'cli.opt.staffClass':
      'the personnel class of the group’s people: 核心, 重要 or 一般 (kept with the group)',
    'cli.opt.staffEnrollList': 'list the enrollment tokens (not their secret: it is shown once)',
    'cli.opt.staffEnrollRevoke':
      'revoke this token (the agents it enrolled stay enrolled: `baomi console revoke` for those)',
    'cli.opt.staffAfter': 'only rows after this sequence number (to go on from a --limit)',
    'cli.opt.staffAuditLimit':
      'only the first N rows after --after, and say where to go on (default, or 0: every row)',
    'cli.opt.staffVerify':
      'walk the whole hash chain on the console: exit 0 intact, 1 with every break',
    'cli.head.host': 'HOST',
    'cli.staff.head.timeZone': '{{what}} ({{zone}})',
    'cli.staff.head.id': 'ID',
    'cli.staff.head.host': 'HOST',
    'cli.staff.head.os': 'OS',
    'cli.staff.head.group': 'GROUP',
    'cli.staff.head.department': 'DEPARTMENT',
    'cli.staff.head.class': 'CLASS',
    'cli.staff.head.state': 'STATE',
    'cli.staff.head.last_seen': 'LAST SEEN',
    'cli.staff.head.seat_user': 'SEAT USER',
    'cli.staff.head.agent_version': 'VERSION',
    'cli.staff.head.policy': 'POLICY',
    'cli.staff.head.usb_enforcing': 'USB',
    'cli.staff.head.events_waiting': 'WAITING',
    'cli.staff.head.acked_seq': 'ACKED',
    'cli.staff.head.enrolled': 'ENROLLED',
    'cli.staff.head.revoked': 'REVOKED',
    'cli.staff.head.time': 'TIME',
    'cli.staff.head.agent': 'AGENT',
    'cli.staff.head.type': 'TYPE',
    'cli.staff.head.severity': 'SEVERITY',
    'cli.staff.head.seq': 'SEQ',
    'cli.staff.head.data': 'DATA',
    'cli.staff.head.requested': 'REQUESTED',
    'cli.staff.head.user': 'USER',
    'cli.staff.head.device': 'DEVICE',
    'cli.staff.head.device_label': 'DEVICE NAME',
    'cli.staff.head.reason': 'REASON',
    'cli.staff.head.decided_by': 'DECIDED BY',
    'cli.staff.head.decided': 'DECIDED',
    'cli.staff.head.note': 'NOTE',
    'cli.staff.head.delivered': 'DELIVERED',
    'cli.staff.head.target_kind': 'FOR',
    'cli.staff.head.target': 'FOR',
    'cli.staff.head.name': 'NAME',
    'cli.staff.head.version': 'VERSION',
    'cli.staff.head.uploaded_by': 'UPLOADED BY',
    'cli.staff.head.uploaded': 'UPLOADED',
    'cli.staff.head.sha256': 'SHA-256',
    'cli.staff.head.agents': 'AGENTS',
    'cli.staff.head.uses_left': 'USES LEFT',
    'cli.staff.head.expires': 'EXPIRES',
    'cli.staff.head.created_by': 'CREATED BY',
    'cli.staff.head.created': 'CREATED',
    'cli.staff.head.actor': 'WHO',
    'cli.staff.head.action': 'ACTION',
    'cli.staff.head.ip': 'FROM',
    'cli.staff.head.details': 'DETAILS',
    'cli.staff.head.prev_hash': 'PREVIOUS HASH',
    'cli.staff.head.hash': 'HASH',
    'cli.staff.usb.on': 'enforced',
    'cli.staff.usb.off': 'not enforced',
    'cli.staff.state.online': 'online',
    'cli.staff.state.silent': 'SILENT',
    'cli.staff.state.never': 'never synced',
    'cli.staff.state.revoked': 'revoked',
    'cli.staff.label.id': 'Agent',
    'cli.staff.label.host': 'Host',
    'cli.staff.label.os': 'OS',
    'cli.staff.label.group': 'Group',
    'cli.staff.label.department': 'Department',
    'cli.staff.label.class': 'Personnel class',
    'cli.staff.label.state': 'State',
    'cli.staff.label.enrolled': 'Enrolled',
    'cli.staff.label.lastSeen': 'Last seen',
    'cli.staff.label.seatUser': 'Seat user',
    'cli.staff.label.agentVersion': 'Agent version',
    'cli.staff.label.policy': 'Policy',
    'cli.staff.label.usb': 'USB',
    'cli.staff.label.waiting': 'Events waiting',
    'cli.staff.label.acked': 'Acknowledged through seq',
    'cli.staff.label.revoked': 'Revoked',
    'cli.staff.label.alert': 'Alert',
    'cli.staff.label.time': 'Raised',
    'cli.staff.label.agent': 'Agent',
    'cli.staff.label.type': 'Type',
    'cli.staff.label.severity': 'Severity',
    'cli.staff.label.seq': 'Seq',
    'cli.staff.label.data': 'Data',
    'cli.staff.label.changedBy': 'Changed by',
    'cli.staff.label.changed': 'Changed',
    'cli.staff.label.note': 'Note',
    'cli.staff.agents.none': 'No agents match.',
    'cli.staff.revoked':
      'Agent {{id}} ({{host}}) revoked at {{at}}: the console refuses its requests from now on; its events stay.',
    'cli.staff.revokeNotShown':
      'The console answered that agent {{id}} was revoked, but does not show it as revoked. Check with `baomi console agent {{id}}`.',
    'cli.staff.events.cutMany':
      'Showing the newest {{shown}} matching events (--limit {{limit}}); more than {{left}} older ones matched and were left out (not counted further). Use --limit 0 for all.',
    'cli.staff.alerts.none': 'No alerts match.',
    'cli.staff.alerts.cut':
      'Showing the newest {{shown}} matching alerts (--limit {{limit}}); older ones match too. Use --limit 0 for all.',
    'cli.staff.request.pending': 'pending',
    'cli.staff.request.approved': 'approved',
    'cli.staff.request.denied': 'denied',
    'cli.staff.requests.none': 'No requests match.',
    'cli.staff.approved':
      'Approved request {{id}}: {{user}} may use {{device}} on {{host}} until {{until}}. The agent gets the signed exception at its next sync and tells the person.',
    'cli.staff.denied':
      'Denied request {{id}} ({{user}}, {{device}}). The agent records the denial at its next sync and tells the person.',
    'cli.staff.target.group': 'group {{value}}',
    'cli.staff.target.department': 'department {{value}}',
    'cli.staff.target.class': 'personnel class {{value}}',
    'cli.staff.policy.reachesNone':
      'No enrolled agent is in {{target}} now: the policy reaches nobody until one is (check the spelling with `baomi console agents`).',
    'cli.staff.policy.uploaded':
      'Uploaded policy "{{name}}" version {{version}} for {{target}} (id {{id}}, sha256 {{sha256}}). Its agents get it at their next sync and apply it only if a key they trust signed it and it is newer than theirs.',
    'cli.staff.policy.none': 'No policies uploaded yet.',
    'cli.staff.policy.noPolicy': '(no policy)',
    'cli.staff.policy.noAgents': 'No agent has sent a heartbeat yet.',
    'cli.staff.enroll.made':
      'Enrollment token for group {{group}}: {{uses}} use(s), valid until {{until}} (id {{id}}). It is shown only this once:',
    'cli.staff.enroll.forIt': 'On each workstation, as the user the agent runs as (root):',
    'cli.staff.enroll.regrouped':
      'Group {{group}} moved from department "{{fromDepartment}}", class "{{fromClass}}" to "{{department}}", "{{personnelClass}}": every agent in it with it (recorded in the audit trail).',
    'cli.staff.enroll.copyCa':
      '(--ca names the console’s certificate: copy {{ca}} to the workstation and give its path there.)',
    'cli.staff.enroll.state.live': 'valid',
    'cli.staff.enroll.state.expired': 'expired',
    'cli.staff.enroll.state.revoked': 'revoked',
    'cli.staff.enroll.state.used': 'used up',
    'cli.staff.enroll.none': 'No enrollment tokens.',
    'cli.staff.enroll.revoked':
      'Enrollment token {{id}} revoked: it enrolls no more agents (those it enrolled stay enrolled).',
    'cli.staff.enroll.alreadyRevoked':
      'Enrollment token {{id}} was already revoked at {{at}}: it enrolls no more agents. Nothing changed.',
    'cli.staff.audit.none': 'No audit rows.',
    'cli.staff.audit.more':
      'Showed {{shown}} rows (--limit {{limit}}); more follow: go on with --after {{after}}.',
    'cli.staff.audit.intact': 'Audit trail intact: {{checked}} rows checked from the first.',
    'cli.staff.audit.broken':
      'Audit trail BROKEN: {{count}} place(s) where the chain does not hold ({{checked}} rows read). A row was changed, removed or inserted outside the console: keep the database as evidence.',
    'cli.staff.audit.break.hash': 'row {{seq}}: its hash does not match its content (changed)',
    'cli.staff.audit.break.link':
      'row {{seq}}: it does not link to the row before it (a row removed or inserted before it)',
    'cli.staff.audit.break.gap': 'row {{seq}} is missing (removed)',
    'cli.staff.audit.break.truncated':
      'the trail does not end at the head the console keeps (row {{seq}}): rows removed from its end',
    'cli.staff.login.prompt': 'Password of {{name}} at {{url}} (not shown): ',
    'cli.staff.login.sessionLeft':
      'The login session could not be ended; it expires by itself within 12 hours.',
    'cli.staff.login.made':
      'API token for {{name}} ({{role}}), valid until {{until}} (id {{id}}). It is shown only this once: run the lines below in your shell, or `eval "$(baomi console login …)"`; keep it out of files others can read.',
    'cli.staff.logout.done':
      'The API token is ended: the console refuses it from now on. Remove it from your environment (unset BAOMI_CONSOLE_TOKEN).',
    'cli.reason.ENOTFOUND': 'no such host name',
    'cli.reason.EAI_AGAIN': 'the host name could not be looked up now',
    'cli.reason.ETIMEDOUT': 'no answer in time',
    'cli.reason.ECONNRESET': 'the connection was closed',
    'cli.reason.EHOSTUNREACH': 'no route to that host',
    'cli.reason.ENETUNREACH': 'no route to that network',
    CONSOLE_CLIENT_NO_URL:
      'Which console? Give --console URL, or set BAOMI_CONSOLE (e.g. export BAOMI_CONSOLE=https://console.example.com:7443).',
    CONSOLE_CLIENT_BAD_URL:
      'Cannot use "{{url}}" as the console’s address: write https://HOST[:PORT] (http:// only for this computer), without a user name, query or #.',
    CONSOLE_CLIENT_PLAIN_HTTP:
      'Refusing to send an API token over plain HTTP to {{host}}, which is not this computer: use https:// (with --ca FILE when the console has its own certificate). http:// is for a console on 127.0.0.1, ::1 or localhost only.',
    CONSOLE_CLIENT_NO_TOKEN:
      'No API token: set BAOMI_CONSOLE_TOKEN (better than --api-token, which other users can see in `ps`). Get one with `baomi console login NAME`.',
    CONSOLE_CLIENT_BAD_TOKEN:
      'The API token in {{from}} is not one a console makes (bmt_ and 43 letters, digits, - or _; this one has {{length}} characters). Copy it again, or get a new one with `baomi console login NAME`.',
    CONSOLE_CLIENT_BAD_CA:
      '{{file}} holds no certificate (PEM, -----BEGIN CERTIFICATE-----): give --ca the console’s certificate (its --tls-cert file) or its CA’s, never a key.',
    CONSOLE_CLIENT_UNREACHABLE:
      'Cannot reach the console at {{url}} ({{reason}}). Is `baomi console` running there, on that port, and does it serve http or https as written? Check --console or BAOMI_CONSOLE.',
    CONSOLE_CLIENT_TLS_MISMATCH:
      'The console at {{url}} presented a certificate that {{ca}} does not vouch for ({{code}}); nothing was sent. Either this is not your console, or its certificate changed: get the current one from its administrator for --ca.',
    CONSOLE_CLIENT_TLS_UNTRUSTED:
      'The console at {{url}} presented a certificate this computer does not trust ({{code}}); nothing was sent. If the console has its own certificate, pin it: --ca FILE (or BAOMI_CONSOLE_CA) with the console’s --tls-cert file.',
    CONSOLE_CLIENT_TLS_NAME:
      'The certificate of the console at {{url}} is not for {{host}}; nothing was sent. Use a name or address the certificate lists (subjectAltName) in --console, or give the console a certificate for {{host}}.',
    CONSOLE_CLIENT_NOT_TLS:
      'The console at {{url}} does not answer TLS: it serves plain HTTP there (without --tls-cert it listens on loopback only). Write http:// for it, or start it with --tls-cert and --tls-key.',
    CONSOLE_CLIENT_TOKEN_REFUSED:
      'The console at {{url}} refused the API token: unknown, expired or revoked, or its account is disabled. Get a new one with `baomi console login NAME` and export it as BAOMI_CONSOLE_TOKEN.',
    CONSOLE_CLIENT_REFUSED: 'The console refused ({{status}}): {{message}}',
    CONSOLE_CLIENT_BAD_ANSWER:
      'The answer from {{url}} (HTTP {{status}}) is not the console’s API: is another server or a proxy at that address?',
    CONSOLE_CLIENT_SIG_REFUSED:
      'Not uploaded: {{file}}.sig does not pass the check agents make with {{trustDir}}: {{problem}}',
    CONSOLE_CLIENT_NO_SIGNATURE:
      '{{sig}} does not exist: a policy is uploaded with its signature beside it. Sign it first: `baomi policy sign --key KEY {{file}}`.',
    CONSOLE_CLIENT_ONE_TARGET:
      'Say whom the policy is for, once: --group G, --department D or --class 核心|重要|一般.',
    CONSOLE_CLIENT_ENROLL_MODE:
      'Give one of: --group G to make a token (with --uses, --hours, --department, --class as needed), --list, or --revoke ID.',
    CONSOLE_CLIENT_BAD_NUMBER:
      'Expected a whole number from {{min}} to {{max}} for {{option}}, got "{{value}}".',
    CONSOLE_CLIENT_EXPORT_TTY:
      'The export holds what workstations sent exactly, escape sequences included: it goes to a file, not to this terminal. Add --out FILE (or pipe it to a program). Nothing was asked of the console.',
    CONSOLE_CLIENT_EVENTS_CUT:
      'The console stopped sending after {{received}} events: the output above is incomplete (it did not end where the console ends an export). Run the command again; the console’s log says why it stopped.',
    CONSOLE_CLIENT_EXPORT_CUT:
      'The export of {{user}} ended before its last line ({{received}} rows arrived): it is incomplete, so nothing was kept. Run the command again; the console’s log says why it stopped.',
    CONSOLE_CLIENT_OUT_EXISTS:
      '{{out}} exists already and is not replaced (an earlier export may be evidence): give another --out.',
    CONSOLE_CLIENT_OUT_FAILED: 'Cannot write the export to {{out}}: {{reason}}. Nothing was kept.',
    'cli.cmd.staffPersonExport':
      'export every record the console holds about one person (events, exception requests, alerts, cases) for an access request under PIPL (admin, auditor; recorded in the audit trail); streamed, checked complete',
    'cli.arg.personUser':
      'the person’s user name exactly as the events show it (the seat user; case matters)',
    'cli.opt.personFormat':
      'json (one document with sections) or csv (one file, a `record` column: event | request | alert | case); default json',
    'cli.opt.personOut':
      'write to FILE (made 0600, written whole or not at all; an existing FILE is not replaced); default: stdout',
    'cli.staff.personExport.done':
      'Exported {{rows}} rows about {{user}} ({{events}} events, {{requests}} requests, {{alerts}} alerts, {{cases}} cases) to {{out}}.',
    'cli.cmd.staffCases':
      'list the cases (alerts gathered and worked from 预报 to 结案), newest first: stage, severity, assignee, due time; complete unless --limit',
    'cli.cmd.staffCase':
      'show one case (its alerts, events and history), or make one change of it (admin, analyst): --stage with --note, --add-note, --assign or --unassign, --add-alert, --add-event; prints the case as it is after',
    'cli.cmd.staffCaseOpen':
      'open a case gathering one or more alerts (admin, analyst): it starts at 预报, its severity the highest of its alerts',
    'cli.arg.caseId': 'the case’s id (as `baomi console cases` lists it)',
    'cli.opt.staffCaseStageFilter':
      'only cases at this stage: 预报 调查 初步评估 处置 结案, or forecast investigating assessed handled closed',
    'cli.opt.staffCaseAssignee': 'only cases assigned to this staff account',
    'cli.opt.staffCaseOverdue': 'only cases past the time of their stage (not closed)',
    'cli.opt.staffCaseLimit': 'only the newest N cases (default, or 0: every case)',
    'cli.opt.staffCaseStage':
      'move it to this stage: 预报 调查 初步评估 处置 结案, or forecast investigating assessed handled closed; forward, or back to 调查 to re-open it (needs --note)',
    'cli.opt.staffCaseNote':
      'why it moves (with --stage; 1 to 4000 characters; in its history and the audit trail)',
    'cli.opt.staffCaseSeverity':
      'with --stage: the severity found, info, low, medium, high or critical (needed to enter 初步评估)',
    'cli.opt.staffCaseOutcome': 'with --stage: what was done (needed to enter 处置)',
    'cli.opt.staffCaseAddNote': 'add a note to its history (a closed case takes notes too)',
    'cli.opt.staffCaseAssign': 'give it to this staff account',
    'cli.opt.staffCaseUnassign': 'take it from its assignee',
    'cli.opt.staffCaseAddAlert':
      'gather these alerts into it (their ids; an alert belongs to one case at most)',
    'cli.opt.staffCaseAddEvent':
      'attach these stored events, each AGENT:SEQ (the agent’s id and the event’s seq, as `baomi console events --json` shows them)',
    'cli.opt.staffCaseTitle': 'what the case is about (1 to 200 characters)',
    'cli.opt.staffCaseAlert':
      'the alerts it gathers, one or more (their ids, as `baomi console alerts` lists them)',
    'cli.opt.staffCaseOpenAssignee': 'give it to this staff account from the start',
    'cli.opt.staffCaseOpenNote': 'a first note (1 to 4000 characters)',
    'cli.staff.head.opened': 'OPENED',
    'cli.staff.head.stage': 'STAGE',
    'cli.staff.head.title': 'TITLE',
    'cli.staff.head.assignee': 'ASSIGNEE',
    'cli.staff.head.due': 'DUE',
    'cli.staff.head.overdue': 'OVERDUE',
    'cli.staff.head.alerts': 'ALERTS',
    'cli.staff.head.event': 'EVENT',
    'cli.staff.head.change': 'CHANGE',
    'cli.staff.head.what': 'WHAT',
    'cli.staff.label.case': 'Case',
    'cli.staff.label.title': 'Title',
    'cli.staff.label.stage': 'Stage',
    'cli.staff.label.openedBy': 'Opened by',
    'cli.staff.label.opened': 'Opened',
    'cli.staff.label.assignee': 'Assignee',
    'cli.staff.label.due': 'Due',
    'cli.staff.label.updated': 'Last change',
    'cli.staff.label.outcome': 'Outcome',
    'cli.staff.label.alerts': 'Alerts:',
    'cli.staff.label.events': 'Events attached:',
    'cli.staff.label.history': 'History:',
    'cli.staff.cases.none': 'No cases match.',
    'cli.staff.cases.more':
      'Showed the newest {{shown}} cases (--limit {{limit}}); older ones match too: raise --limit, or --limit 0 for every case.',
    'cli.staff.case.overdue': 'OVERDUE',
    'cli.staff.case.noEvents': '(none)',
    'cli.staff.case.kind.opened': 'opened',
    'cli.staff.case.kind.stage': 'stage',
    'cli.staff.case.kind.note': 'note',
    'cli.staff.case.kind.assigned': 'assigned',
    'cli.staff.case.kind.alerts': 'alerts',
    'cli.staff.case.kind.events': 'events',
    'cli.staff.case.entry.opened': '“{{title}}” with alert(s) {{alerts}}',
    'cli.staff.case.entry.assignee': 'assigned to {{name}}',
    'cli.staff.case.entry.note': 'note: {{text}}',
    'cli.staff.case.entry.severity': 'severity {{severity}} ({{assessment}}; was {{was}})',
    'cli.staff.case.entry.outcome': 'outcome: {{text}}',
    'cli.staff.case.entry.alerts': 'gathered alert(s) {{ids}}',
    'cli.staff.case.entry.events': 'attached {{refs}}',
    'cli.staff.case.assessment.confirmed': 'confirmed',
    'cli.staff.case.assessment.downgraded': 'downgraded',
    'cli.staff.case.assessment.raised': 'raised',
    CONSOLE_CLIENT_CASE_CHANGE:
      'Give one change at a time: --stage S --note T (with --severity or --outcome as the stage needs), --add-note T, --assign NAME, --unassign, --add-alert ID…, or --add-event AGENT:SEQ…; with none of them the case is shown.',
    CONSOLE_CLIENT_CASE_STAGE_NOTE:
      'A move says why: --stage goes with --note TEXT, and --note, --severity and --outcome go only with --stage (a note alone: --add-note TEXT).',
    CONSOLE_CLIENT_BAD_EVENT_REF:
      'Expected AGENT:SEQ for --add-event (the agent’s id and the event’s seq, as `baomi console events --json` shows them), got "{{value}}".',
  },
  'zh-CN': {
    'cli.cmd.staffLogin':
      '登录控制台并为管理命令和脚本生成 API 令牌；密码在提示时输入（不回显），或从管道输入读取；令牌只显示一次，形式为导出它的命令行',
    'cli.cmd.staffLogout':
      '结束正在使用的 API 令牌（BAOMI_CONSOLE_TOKEN 或 --api-token）：立即失效',
    'cli.cmd.staffAgents': '列出在控制台注册的代理（管理命令，使用 API 令牌）',
    'cli.cmd.staffAgent': '显示一个代理：所属组、状态、最近的心跳和策略',
    'cli.cmd.staffRevoke': '吊销代理（admin）：此后控制台拒绝它的请求',
    'cli.cmd.staffEvents':
      '列出控制台上所有代理的事件，过滤条件同 `baomi events`；除非指定 --limit，否则列出全部',
    'cli.cmd.staffAlerts': '列出控制台的告警（链断裂、缺口、静默代理、规则）',
    'cli.cmd.staffRequests': '列出 USB 例外申请',
    'cli.cmd.staffApprove': '批准例外申请（admin、analyst）：控制台签发令牌，代理在下次同步时收到',
    'cli.cmd.staffDeny': '拒绝例外申请（admin、analyst）；申请人会得到通知',
    'cli.cmd.staffAlert': '变更告警阶段（admin、analyst）：向后推进，或退回“调查”以重新打开',
    'cli.cmd.staffPolicy': '由控制台分发的策略',
    'cli.cmd.staffPolicyUpload':
      '为某个组、部门或人员类别上传已签名的策略（FILE 和 FILE.sig）（admin）',
    'cli.cmd.staffPolicyList': '列出已上传的策略及其适用对象',
    'cli.cmd.staffPolicyVersions': '各策略版本分别有多少代理在运行（来自代理心跳）',
    'cli.cmd.staffEnrollToken':
      '为某个组生成注册令牌，并打印给 IT 的 `baomi enroll` 命令行（admin）；或 --list、--revoke ID',
    'cli.cmd.staffAudit':
      '查看控制台中管理人员操作的审计记录（admin、auditor）；--verify 校验其哈希链',
    'cli.arg.agentId': '代理的 id（见 `baomi console agents`）',
    'cli.arg.requestId': '申请的 id（见 `baomi console requests`）',
    'cli.arg.alertId': '告警的 id（见 `baomi console alerts`）',
    'cli.arg.staffPolicyFile': '已签名的策略文件；其签名 FILE.sig 须在同一目录',
    'cli.opt.staffConsole':
      '控制台地址，https://HOST:PORT（默认：$BAOMI_CONSOLE）；http:// 仅限本机',
    'cli.opt.staffToken':
      'API 令牌（默认：$BAOMI_CONSOLE_TOKEN，更安全：命令行参数会出现在 `ps` 和 shell 历史中）',
    'cli.opt.staffCa':
      '只信任此证书作为控制台的证书（PEM：控制台的 --tls-cert 文件或其 CA 证书；默认：$BAOMI_CONSOLE_CA）',
    'cli.opt.staffDays': '令牌有效天数，1 到 365（默认：90）',
    'cli.opt.staffGroupFilter': '只列出该注册组的代理',
    'cli.opt.staffAgentText': '只列出主机名或 id 包含此文字的代理',
    'cli.opt.staffAgent': '只看该代理（其 id）',
    'cli.opt.staffUser': '只看此人在控制台前时记录的事件',
    'cli.opt.staffEventText': '只看数据、用户或主机包含此文字的事件（路径、原因）',
    'cli.opt.staffAlertState':
      '只看处于此状态的告警：预报 调查 初步评估 处置 结案（或 forecast、investigating、assessed、handled、closed）',
    'cli.opt.staffAlertType': '只看这些类型的告警（精确匹配：agent.silent、chain.broken…）',
    'cli.opt.staffAlertLimit': '只看最新的 N 条告警（默认及 0：全部匹配的告警）',
    'cli.opt.staffAlertTo':
      '阶段：预报 调查 初步评估 处置 结案，或 forecast investigating assessed handled closed',
    'cli.opt.staffAlertNote': '理由（1 到 2000 个字符；记入审计记录）',
    'cli.opt.staffRequestState':
      '只看此状态的申请：pending（待处理）、approved（已批准）或 denied（已拒绝）',
    'cli.opt.staffNote': '理由（记入审计记录，并告知申请人）',
    'cli.opt.staffHours': '例外的有效小时数，1 到 744（默认：8）',
    'cli.opt.staffPolicyGroup': '适用于该注册组的代理',
    'cli.opt.staffPolicyDepartment': '适用于该部门所有组的代理',
    'cli.opt.staffPolicyClass': '适用于人员类别为此类的代理：核心、重要 或 一般',
    'cli.opt.staffPolicyTrustDir':
      '发送前用 DIR/policy/*.pub（代理信任的密钥）检查签名；不通过则不发送',
    'cli.opt.staffEnrollGroup': '生成令牌：代理加入的组',
    'cli.opt.staffUses': '可用它注册的代理数，1 到 10000（默认：1）',
    'cli.opt.staffEnrollHours': '有效小时数，1 到 2160（默认：24）',
    'cli.opt.staffDepartment': '该组所属部门（随组保存）',
    'cli.opt.staffRegroup':
      '更改已有组的部门或人员类别（组内所有代理随之迁移，策略和报表归属一并改变）',
    'cli.opt.staffClass': '该组人员的类别：核心、重要 或 一般（随组保存）',
    'cli.opt.staffEnrollList': '列出注册令牌（不含令牌本身：它只显示一次）',
    'cli.opt.staffEnrollRevoke':
      '吊销此令牌（用它注册的代理仍然有效：吊销代理请用 `baomi console revoke`）',
    'cli.opt.staffAfter': '只看此序号之后的记录（用于接着 --limit 继续查看）',
    'cli.opt.staffAuditLimit': '只看 --after 之后的前 N 条，并说明从何处继续（默认或 0：全部）',
    'cli.opt.staffVerify': '在控制台上校验整条哈希链：完好退出码 0，否则为 1 并列出每处断裂',
    'cli.head.host': '主机',
    'cli.staff.head.timeZone': '{{what}}（{{zone}}）',
    'cli.staff.head.id': 'ID',
    'cli.staff.head.host': '主机',
    'cli.staff.head.os': '系统',
    'cli.staff.head.group': '组',
    'cli.staff.head.department': '部门',
    'cli.staff.head.class': '人员类别',
    'cli.staff.head.state': '状态',
    'cli.staff.head.last_seen': '最近联系',
    'cli.staff.head.seat_user': '在座用户',
    'cli.staff.head.agent_version': '版本',
    'cli.staff.head.policy': '策略',
    'cli.staff.head.usb_enforcing': 'USB',
    'cli.staff.head.events_waiting': '待同步',
    'cli.staff.head.acked_seq': '已确认',
    'cli.staff.head.enrolled': '注册时间',
    'cli.staff.head.revoked': '吊销时间',
    'cli.staff.head.time': '时间',
    'cli.staff.head.agent': '代理',
    'cli.staff.head.type': '类型',
    'cli.staff.head.severity': '严重程度',
    'cli.staff.head.seq': '序号',
    'cli.staff.head.data': '数据',
    'cli.staff.head.requested': '申请时间',
    'cli.staff.head.user': '用户',
    'cli.staff.head.device': '设备',
    'cli.staff.head.device_label': '设备名称',
    'cli.staff.head.reason': '理由',
    'cli.staff.head.decided_by': '处理人',
    'cli.staff.head.decided': '处理时间',
    'cli.staff.head.note': '备注',
    'cli.staff.head.delivered': '送达时间',
    'cli.staff.head.target_kind': '对象',
    'cli.staff.head.target': '对象',
    'cli.staff.head.name': '名称',
    'cli.staff.head.version': '版本',
    'cli.staff.head.uploaded_by': '上传人',
    'cli.staff.head.uploaded': '上传时间',
    'cli.staff.head.sha256': 'SHA-256',
    'cli.staff.head.agents': '代理数',
    'cli.staff.head.uses_left': '剩余次数',
    'cli.staff.head.expires': '到期时间',
    'cli.staff.head.created_by': '创建人',
    'cli.staff.head.created': '创建时间',
    'cli.staff.head.actor': '操作人',
    'cli.staff.head.action': '操作',
    'cli.staff.head.ip': '来源',
    'cli.staff.head.details': '详情',
    'cli.staff.head.prev_hash': '前一哈希',
    'cli.staff.head.hash': '哈希',
    'cli.staff.usb.on': '已管控',
    'cli.staff.usb.off': '未管控',
    'cli.staff.state.online': '在线',
    'cli.staff.state.silent': '静默',
    'cli.staff.state.never': '从未同步',
    'cli.staff.state.revoked': '已吊销',
    'cli.staff.label.id': '代理',
    'cli.staff.label.host': '主机',
    'cli.staff.label.os': '系统',
    'cli.staff.label.group': '组',
    'cli.staff.label.department': '部门',
    'cli.staff.label.class': '人员类别',
    'cli.staff.label.state': '状态',
    'cli.staff.label.enrolled': '注册时间',
    'cli.staff.label.lastSeen': '最近联系',
    'cli.staff.label.seatUser': '在座用户',
    'cli.staff.label.agentVersion': '代理版本',
    'cli.staff.label.policy': '策略',
    'cli.staff.label.usb': 'USB',
    'cli.staff.label.waiting': '待同步事件',
    'cli.staff.label.acked': '已确认至序号',
    'cli.staff.label.revoked': '吊销时间',
    'cli.staff.label.alert': '告警',
    'cli.staff.label.time': '产生时间',
    'cli.staff.label.agent': '代理',
    'cli.staff.label.type': '类型',
    'cli.staff.label.severity': '严重程度',
    'cli.staff.label.seq': '序号',
    'cli.staff.label.data': '数据',
    'cli.staff.label.changedBy': '变更人',
    'cli.staff.label.changed': '变更时间',
    'cli.staff.label.note': '说明',
    'cli.staff.agents.none': '没有符合条件的代理。',
    'cli.staff.revoked':
      '代理 {{id}}（{{host}}）已于 {{at}} 吊销：此后控制台拒绝它的请求；它的事件仍保留。',
    'cli.staff.revokeNotShown':
      '控制台答复代理 {{id}} 已吊销，但查询结果并未显示为已吊销。请用 `baomi console agent {{id}}` 核实。',
    'cli.staff.events.cutMany':
      '显示最新的 {{shown}} 条匹配事件（--limit {{limit}}）；另有超过 {{left}} 条较早的匹配事件未显示（未继续计数）。使用 --limit 0 显示全部。',
    'cli.staff.alerts.none': '没有符合条件的告警。',
    'cli.staff.alerts.cut':
      '显示最新的 {{shown}} 条匹配告警（--limit {{limit}}）；还有更早的匹配告警。使用 --limit 0 显示全部。',
    'cli.staff.request.pending': '待处理',
    'cli.staff.request.approved': '已批准',
    'cli.staff.request.denied': '已拒绝',
    'cli.staff.requests.none': '没有符合条件的申请。',
    'cli.staff.approved':
      '已批准申请 {{id}}：{{user}} 可在 {{host}} 上使用 {{device}}，直到 {{until}}。代理在下次同步时收到签名的例外，并通知申请人。',
    'cli.staff.denied':
      '已拒绝申请 {{id}}（{{user}}，{{device}}）。代理在下次同步时记录拒绝结果，并通知申请人。',
    'cli.staff.target.group': '组 {{value}}',
    'cli.staff.target.department': '部门 {{value}}',
    'cli.staff.target.class': '人员类别 {{value}}',
    'cli.staff.policy.reachesNone':
      '目前没有已登记的代理属于{{target}}：在有代理加入之前，该策略不会送达任何人（可用 `baomi console agents` 核对拼写）。',
    'cli.staff.policy.uploaded':
      '已为{{target}}上传策略“{{name}}”版本 {{version}}（id {{id}}，sha256 {{sha256}}）。相关代理在下次同步时获取，仅当签名密钥受其信任且版本高于现有策略时才会应用。',
    'cli.staff.policy.none': '尚未上传任何策略。',
    'cli.staff.policy.noPolicy': '（无策略）',
    'cli.staff.policy.noAgents': '尚无代理发送心跳。',
    'cli.staff.enroll.made':
      '组 {{group}} 的注册令牌：可用 {{uses}} 次，有效期至 {{until}}（id {{id}}）。令牌只显示这一次：',
    'cli.staff.enroll.forIt': '在每台工作站上，以代理的运行用户（root）执行：',
    'cli.staff.enroll.regrouped':
      '组 {{group}} 已从部门“{{fromDepartment}}”、类别“{{fromClass}}”改为“{{department}}”、“{{personnelClass}}”：组内所有代理随之迁移（已记入审计记录）。',
    'cli.staff.enroll.copyCa':
      '（--ca 指定控制台的证书：请把 {{ca}} 复制到工作站，并在那里写上它的路径。）',
    'cli.staff.enroll.state.live': '有效',
    'cli.staff.enroll.state.expired': '已过期',
    'cli.staff.enroll.state.revoked': '已吊销',
    'cli.staff.enroll.state.used': '已用完',
    'cli.staff.enroll.none': '没有注册令牌。',
    'cli.staff.enroll.revoked':
      '注册令牌 {{id}} 已吊销：不能再用它注册代理（已注册的代理不受影响）。',
    'cli.staff.enroll.alreadyRevoked':
      '注册令牌 {{id}} 已于 {{at}} 吊销：不能再用它注册代理。未做更改。',
    'cli.staff.audit.none': '没有审计记录。',
    'cli.staff.audit.more':
      '已显示 {{shown}} 条（--limit {{limit}}）；后面还有：用 --after {{after}} 继续查看。',
    'cli.staff.audit.intact': '审计记录完好：从第一条起共校验 {{checked}} 条。',
    'cli.staff.audit.broken':
      '审计记录已被破坏：哈希链有 {{count}} 处不成立（共读取 {{checked}} 条）。有记录在控制台之外被修改、删除或插入：请保留数据库作为证据。',
    'cli.staff.audit.break.hash': '第 {{seq}} 条：哈希与内容不符（被修改）',
    'cli.staff.audit.break.link': '第 {{seq}} 条：未链接到前一条（其前有记录被删除或插入）',
    'cli.staff.audit.break.gap': '第 {{seq}} 条缺失（被删除）',
    'cli.staff.audit.break.truncated':
      '记录末尾与控制台保存的链头（第 {{seq}} 条）不符：末尾的记录被删除',
    'cli.staff.login.prompt': '{{name}} 在 {{url}} 的密码（不回显）：',
    'cli.staff.login.sessionLeft': '未能结束登录会话；它会在 12 小时内自动过期。',
    'cli.staff.login.made':
      '{{name}}（{{role}}）的 API 令牌，有效期至 {{until}}（id {{id}}）。令牌只显示这一次：请在 shell 中执行下面几行，或使用 `eval "$(baomi console login …)"`；不要把它存放在他人可读的文件中。',
    'cli.staff.logout.done':
      '该 API 令牌已结束：此后控制台拒绝它。请将其从环境中移除（unset BAOMI_CONSOLE_TOKEN）。',
    'cli.reason.ENOTFOUND': '没有这个主机名',
    'cli.reason.EAI_AGAIN': '暂时无法解析该主机名',
    'cli.reason.ETIMEDOUT': '未及时应答',
    'cli.reason.ECONNRESET': '连接被关闭',
    'cli.reason.EHOSTUNREACH': '无法到达该主机',
    'cli.reason.ENETUNREACH': '无法到达该网络',
    CONSOLE_CLIENT_NO_URL:
      '要连接哪个控制台？请指定 --console URL，或设置 BAOMI_CONSOLE（例如 export BAOMI_CONSOLE=https://console.example.com:7443）。',
    CONSOLE_CLIENT_BAD_URL:
      '“{{url}}”不能用作控制台地址：请写成 https://HOST[:PORT]（http:// 仅限本机），不含用户名、查询参数或 #。',
    CONSOLE_CLIENT_PLAIN_HTTP:
      '拒绝以明文 HTTP 向非本机的 {{host}} 发送 API 令牌：请使用 https://（控制台使用自有证书时加 --ca FILE）。http:// 仅用于 127.0.0.1、::1 或 localhost 上的控制台。',
    CONSOLE_CLIENT_NO_TOKEN:
      '没有 API 令牌：请设置 BAOMI_CONSOLE_TOKEN（比 --api-token 更安全，参数会被其他用户在 `ps` 中看到）。可用 `baomi console login NAME` 获取令牌。',
    CONSOLE_CLIENT_BAD_TOKEN:
      '{{from}} 中的 API 令牌不是控制台生成的格式（bmt_ 加 43 个字母、数字、- 或 _；该令牌有 {{length}} 个字符）。请重新复制，或用 `baomi console login NAME` 获取新令牌。',
    CONSOLE_CLIENT_BAD_CA:
      '{{file}} 中没有证书（PEM，-----BEGIN CERTIFICATE-----）：--ca 应指定控制台的证书（其 --tls-cert 文件）或其 CA 证书，绝不能是密钥。',
    CONSOLE_CLIENT_UNREACHABLE:
      '无法连接 {{url}} 上的控制台（{{reason}}）。`baomi console` 是否在该主机和端口上运行，提供的是否正是所写的 http 或 https？请检查 --console 或 BAOMI_CONSOLE。',
    CONSOLE_CLIENT_TLS_MISMATCH:
      '{{url}} 上的控制台出示的证书不受 {{ca}} 认可（{{code}}）；未发送任何内容。要么这不是你的控制台，要么它的证书已更换：请向其管理员索取当前证书用于 --ca。',
    CONSOLE_CLIENT_TLS_UNTRUSTED:
      '{{url}} 上的控制台出示的证书不受本机信任（{{code}}）；未发送任何内容。如果控制台使用自有证书，请固定它：--ca FILE（或 BAOMI_CONSOLE_CA），FILE 为控制台的 --tls-cert 文件。',
    CONSOLE_CLIENT_TLS_NAME:
      '{{url}} 上的控制台的证书不是为 {{host}} 签发的；未发送任何内容。请在 --console 中使用证书所列（subjectAltName）的名称或地址，或为控制台换一张包含 {{host}} 的证书。',
    CONSOLE_CLIENT_NOT_TLS:
      '{{url}} 上的控制台不使用 TLS：它在那里提供明文 HTTP（未指定 --tls-cert 时只监听回环地址）。请写 http://，或用 --tls-cert 和 --tls-key 启动它。',
    CONSOLE_CLIENT_TOKEN_REFUSED:
      '{{url}} 上的控制台拒绝了该 API 令牌：未知、已过期或已吊销，或其账号已停用。请用 `baomi console login NAME` 获取新令牌，并导出为 BAOMI_CONSOLE_TOKEN。',
    CONSOLE_CLIENT_REFUSED: '控制台拒绝了请求（{{status}}）：{{message}}',
    CONSOLE_CLIENT_BAD_ANSWER:
      '{{url}} 的应答（HTTP {{status}}）不是控制台 API 的应答：该地址上是否是其他服务器或代理？',
    CONSOLE_CLIENT_SIG_REFUSED:
      '未上传：{{file}}.sig 未通过代理用 {{trustDir}} 所做的检查：{{problem}}',
    CONSOLE_CLIENT_NO_SIGNATURE:
      '{{sig}} 不存在：上传策略时其签名须在同一目录。请先签名：`baomi policy sign --key KEY {{file}}`。',
    CONSOLE_CLIENT_ONE_TARGET:
      '请指定策略的适用对象，且只指定一个：--group G、--department D 或 --class 核心|重要|一般。',
    CONSOLE_CLIENT_ENROLL_MODE:
      '请只指定其中之一：--group G 生成令牌（可加 --uses、--hours、--department、--class），--list，或 --revoke ID。',
    CONSOLE_CLIENT_BAD_NUMBER: '{{option}} 需要 {{min}} 到 {{max}} 之间的整数，实际为“{{value}}”。',
    CONSOLE_CLIENT_EXPORT_TTY:
      '导出内容原样保存了工作站发来的数据（包括转义序列）：应写入文件，而不是显示在终端上。请加上 --out FILE（或通过管道交给其他程序）。未向控制台发出任何请求。',
    CONSOLE_CLIENT_EVENTS_CUT:
      '控制台在发送 {{received}} 条事件后中断：上面的输出不完整（未在控制台结束导出处结束）。请重新运行此命令；控制台日志记录了中断原因。',
    CONSOLE_CLIENT_EXPORT_CUT:
      '{{user}} 的导出在最后一行之前中断（已收到 {{received}} 行）：导出不完整，未保留任何内容。请重新运行此命令；控制台日志记录了中断原因。',
    CONSOLE_CLIENT_OUT_EXISTS:
      '{{out}} 已存在，不会被覆盖（之前的导出可能是证据）：请指定另一个 --out。',
    CONSOLE_CLIENT_OUT_FAILED: '无法将导出写入 {{out}}：{{reason}}。未保留任何内容。',
    'cli.cmd.staffPersonExport':
      '导出控制台保存的关于某个人的全部记录（事件、例外申请、告警、案件），用于《个人信息保护法》下的查阅请求（admin、auditor；记入审计记录）；流式传输并校验完整性',
    'cli.arg.personUser': '此人的用户名，与事件中显示的完全一致（座席用户；区分大小写）',
    'cli.opt.personFormat':
      'json（一个分节的文档）或 csv（一个文件，`record` 列：event | request | alert | case）；默认 json',
    'cli.opt.personOut':
      '写入 FILE（权限 0600，要么完整写入，要么什么都不留；不覆盖已存在的 FILE）；默认：标准输出',
    'cli.staff.personExport.done':
      '已导出关于 {{user}} 的 {{rows}} 行（{{events}} 个事件、{{requests}} 个申请、{{alerts}} 个告警、{{cases}} 个案件）到 {{out}}。',
    'cli.cmd.staffCases':
      '列出案件（归并的告警，从“预报”处理到“结案”），最新的在前：阶段、严重程度、负责人、期限；除非指定 --limit，否则列出全部',
    'cli.cmd.staffCase':
      '显示一个案件（其告警、事件和处理记录），或对它作一项变更（admin、analyst）：--stage 加 --note、--add-note、--assign 或 --unassign、--add-alert、--add-event；打印变更后的案件',
    'cli.cmd.staffCaseOpen':
      '立案，归并一条或多条告警（admin、analyst）：从“预报”开始，严重程度取其告警中最高者',
    'cli.arg.caseId': '案件的 id（见 `baomi console cases`）',
    'cli.opt.staffCaseStageFilter':
      '只看处于此阶段的案件：预报 调查 初步评估 处置 结案，或 forecast investigating assessed handled closed',
    'cli.opt.staffCaseAssignee': '只看指派给该管理账号的案件',
    'cli.opt.staffCaseOverdue': '只看已超过当前阶段期限的案件（未结案）',
    'cli.opt.staffCaseLimit': '只看最新的 N 个案件（默认或 0：全部）',
    'cli.opt.staffCaseStage':
      '推进到此阶段：预报 调查 初步评估 处置 结案，或 forecast investigating assessed handled closed；向后推进，或退回“调查”以重新打开（须加 --note）',
    'cli.opt.staffCaseNote':
      '变更理由（与 --stage 一起；1 到 4000 个字符；记入处理记录和审计记录）',
    'cli.opt.staffCaseSeverity':
      '与 --stage 一起：评估得出的严重程度，info、low、medium、high 或 critical（进入“初步评估”时必填）',
    'cli.opt.staffCaseOutcome': '与 --stage 一起：采取了哪些措施（进入“处置”时必填）',
    'cli.opt.staffCaseAddNote': '在处理记录中添加备注（已结案的案件也可以）',
    'cli.opt.staffCaseAssign': '指派给该管理账号',
    'cli.opt.staffCaseUnassign': '取消指派',
    'cli.opt.staffCaseAddAlert': '将这些告警归并到本案（其 id；一条告警最多属于一个案件）',
    'cli.opt.staffCaseAddEvent':
      '关联这些已存储的事件，每个写作 AGENT:SEQ（代理的 id 和事件序号，见 `baomi console events --json`）',
    'cli.opt.staffCaseTitle': '案件名称（1 到 200 个字符）',
    'cli.opt.staffCaseAlert': '归并的告警，一条或多条（其 id，见 `baomi console alerts`）',
    'cli.opt.staffCaseOpenAssignee': '立案时即指派给该管理账号',
    'cli.opt.staffCaseOpenNote': '第一条备注（1 到 4000 个字符）',
    'cli.staff.head.opened': '立案时间',
    'cli.staff.head.stage': '阶段',
    'cli.staff.head.title': '名称',
    'cli.staff.head.assignee': '负责人',
    'cli.staff.head.due': '期限',
    'cli.staff.head.overdue': '逾期',
    'cli.staff.head.alerts': '告警数',
    'cli.staff.head.event': '事件',
    'cli.staff.head.change': '变更',
    'cli.staff.head.what': '内容',
    'cli.staff.label.case': '案件',
    'cli.staff.label.title': '名称',
    'cli.staff.label.stage': '阶段',
    'cli.staff.label.openedBy': '立案人',
    'cli.staff.label.opened': '立案时间',
    'cli.staff.label.assignee': '负责人',
    'cli.staff.label.due': '期限',
    'cli.staff.label.updated': '最近变更',
    'cli.staff.label.outcome': '处置结果',
    'cli.staff.label.alerts': '告警：',
    'cli.staff.label.events': '关联事件：',
    'cli.staff.label.history': '处理记录：',
    'cli.staff.cases.none': '没有符合条件的案件。',
    'cli.staff.cases.more':
      '已显示最新的 {{shown}} 个案件（--limit {{limit}}）；还有更早的符合条件：请调大 --limit，或用 --limit 0 显示全部。',
    'cli.staff.case.overdue': '逾期',
    'cli.staff.case.noEvents': '（无）',
    'cli.staff.case.kind.opened': '立案',
    'cli.staff.case.kind.stage': '阶段变更',
    'cli.staff.case.kind.note': '备注',
    'cli.staff.case.kind.assigned': '指派',
    'cli.staff.case.kind.alerts': '归并告警',
    'cli.staff.case.kind.events': '关联事件',
    'cli.staff.case.entry.opened': '“{{title}}”，告警 {{alerts}}',
    'cli.staff.case.entry.assignee': '指派给 {{name}}',
    'cli.staff.case.entry.note': '说明：{{text}}',
    'cli.staff.case.entry.severity': '严重程度 {{severity}}（{{assessment}}；原为 {{was}}）',
    'cli.staff.case.entry.outcome': '处置结果：{{text}}',
    'cli.staff.case.entry.alerts': '归并告警 {{ids}}',
    'cli.staff.case.entry.events': '关联 {{refs}}',
    'cli.staff.case.assessment.confirmed': '确认',
    'cli.staff.case.assessment.downgraded': '降级',
    'cli.staff.case.assessment.raised': '升级',
    CONSOLE_CLIENT_CASE_CHANGE:
      '每次只作一项变更：--stage S --note T（按阶段需要加 --severity 或 --outcome）、--add-note T、--assign NAME、--unassign、--add-alert ID…，或 --add-event AGENT:SEQ…；都不指定时显示该案件。',
    CONSOLE_CLIENT_CASE_STAGE_NOTE:
      '每次推进都须说明理由：--stage 须与 --note TEXT 一起使用；--note、--severity 和 --outcome 只能与 --stage 一起使用（单独添加备注：--add-note TEXT）。',
    CONSOLE_CLIENT_BAD_EVENT_REF:
      '--add-event 需要 AGENT:SEQ（代理的 id 和事件序号，见 `baomi console events --json`），实际为“{{value}}”。',
  },
} satisfies Catalog & CodeCatalog<ConsoleClientCode>;
