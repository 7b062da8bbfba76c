// The service definitions the packages install (issue 14, "Packaging"), read as the OS would
// read them: each runs `baomi agent --enforce` privileged and is restarted at once whenever it
// stops (a stopped agent leaves new USB devices undecided), with no give-up.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(`../../../native/${p}`, import.meta.url), 'utf8');

describe('native service files', () => {
  it('systemd: root, --enforce, restart always, never rate-limited', () => {
    const unit = read('systemd/baomi-agent.service');
    expect(unit).toMatch(/^ExecStart=\S+ \S+baomi\.js agent --enforce$/m);
    expect(unit).toMatch(/^Restart=always$/m);
    expect(unit).toMatch(/^StartLimitIntervalSec=0$/m);
    expect(unit).not.toMatch(/^User=/m);
  });

  it('launchd: a root daemon kept alive, at load, with --enforce', () => {
    const plist = read('launchd/cn.baomi.agent.plist');
    const value = (key: string) =>
      new RegExp(`<key>${key}</key>\\s*(<\\w+/>|<(\\w+)>[^<]*</\\2>)`).exec(plist)?.[1];
    expect(value('Label')).toBe('<string>cn.baomi.agent</string>');
    expect(value('UserName')).toBe('<string>root</string>');
    expect(value('RunAtLoad')).toBe('<true/>');
    expect(value('KeepAlive')).toBe('<true/>');
    const args = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plist)?.[1] ?? '';
    expect([...args.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => m[1]).slice(-3)).toEqual([
      '/Library/Application Support/Baomi/bin/baomi.js',
      'agent',
      '--enforce',
    ]);
  });

  it('Windows: LocalSystem, automatic, --enforce, restarted after every failure', () => {
    const xml = read('windows/baomi-agent.xml');
    expect(xml).toMatch(/<arguments>"%BASE%\\bin\\baomi\.js" agent --enforce<\/arguments>/);
    expect(xml).toMatch(/<startmode>Automatic<\/startmode>/);
    expect(xml).toMatch(/<username>LocalSystem<\/username>/);
    expect([...xml.matchAll(/<onfailure action="(\w+)"/g)].map((m) => m[1])).toEqual([
      'restart',
      'restart',
      'restart',
    ]);
    const ps1 = read('windows/install-service.ps1');
    expect(ps1).toMatch(
      /sc\.exe failure baomi-agent reset= 3600 actions= restart\/1000\/restart\/1000\/restart\/1000/,
    );
    // The data folder (keys, log, trust\) taken back whole and closed to SYSTEM and
    // Administrators, by SID, before the service is installed; a link in its place refused;
    // each icacls step's failure stops the install.
    const at = (text: string) => ps1.indexOf(text);
    expect(at('[IO.FileAttributes]::ReparsePoint')).toBeGreaterThan(0);
    const steps = [
      "@('/setowner', '*S-1-5-32-544', '/T', '/C', '/L')",
      "@('/reset', '/T', '/C', '/L')",
      "@('/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F')",
      '& icacls.exe $data @step | Out-Null\n  if ($LASTEXITCODE -ne 0) { throw ',
      '& $wrapper install',
    ].map(at);
    expect(steps.every((n) => n > at('ReparsePoint'))).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });
});
