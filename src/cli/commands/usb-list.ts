// `baomi usb list`: every USB device present now or seen recently, with its identity, the
// verdict and the rule that decided, so IT can copy a line into a policy (`--rule` prints a
// ready-to-paste rule per device, `--json` one object per line). Device strings come from the
// device itself (attacker-controlled): shown with every control character escaped
// (printable.ts), and JSON-escaped with --json.
import type { UsbListEntry, UsbListResult } from '../../core/protocol/messages.js';
import { ruleFor } from '../../core/usb/rule-text.js';
import type { CommandContext } from '../context.js';
import { alignColumns } from '../format.js';
import { jsonLine, printable } from '../printable.js';
import { openSource, type SourceOptions } from '../source.js';
import { formatTime, zoneName } from '../time.js';
import { ruleText, verdictText } from '../usb-text.js';

interface UsbListFlags extends SourceOptions {
  json?: boolean;
  rule?: boolean;
  utc?: boolean;
}

function classes(e: UsbListEntry): string {
  const set = new Set<string>();
  if (e.device.deviceClass !== '00') set.add(e.device.deviceClass);
  for (const i of e.device.interfaces) if (i.alt === 0) set.add(i.class);
  return [...set].join(',');
}

export default async function usbList({ t }: CommandContext, f: UsbListFlags): Promise<number> {
  const source = await openSource(f);
  let r: UsbListResult;
  try {
    r = await source.usbList();
  } finally {
    source.close();
  }
  if (f.json) {
    for (const e of r.devices) process.stdout.write(`${jsonLine(e)}\n`);
    return 0;
  }
  if (f.rule) {
    // Ready to paste under `usb.rules:`; the comment line says which device each one is.
    for (const e of r.devices) {
      const d = e.device;
      const name = printable([d.manufacturer, d.productName].filter(Boolean).join(' '));
      const rule = ruleFor(d, 'allow');
      process.stdout.write(
        `# ${printable(d.vendor)}:${printable(d.product)} ${name}\n${rule ?? `# ${t('cli.usb.noRule')}`}\n`,
      );
    }
    return 0;
  }
  const state = r.enforcing
    ? t('cli.usb.enforcing')
    : t('cli.usb.notEnforcing', { reason: r.reason ? t(r.reason) : '' });
  const head = [
    'state',
    'verdict',
    'id',
    'serial',
    'class',
    'name',
    'rule',
    'lastSeen',
    'hash',
  ].map((k) =>
    k === 'lastSeen'
      ? t('cli.usb.head.lastSeen', { zone: zoneName(f.utc) })
      : t(`cli.usb.head.${k}`),
  );
  const rows = r.devices.map((e) => {
    const d = e.device;
    return [
      e.present ? t('cli.usb.present') : t('cli.usb.gone'),
      // Translated in the table; --json keeps the values themselves.
      e.applied && e.applied !== e.decision.verdict
        ? `${verdictText(t, e.applied)} (${verdictText(t, e.decision.verdict)})`
        : verdictText(t, e.decision.verdict),
      printable(`${d.vendor}:${d.product}`),
      printable(d.serial ?? ''),
      printable(classes(e)),
      printable([d.manufacturer, d.productName].filter(Boolean).join(' ')),
      ruleText(t, e.decision.rule),
      formatTime(e.lastSeen, f.utc),
      d.hash !== undefined ? printable(d.hash) : t('cli.usb.noHash'),
    ];
  });
  const out = [state, ...(rows.length ? alignColumns(head, rows) : [t('cli.usb.none')])];
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
