# Installs and starts the Baomi agent service (run as Administrator, from the folder holding
# baomi-agent.exe (WinSW), baomi-agent.xml, node.exe and bin\). Safe to run again: an existing
# service is stopped and replaced. Run by the agent's installer (agent-installer.nsi), which
# fails unless this ends with exit code 0; usable alone from GPO/Intune scripts. Saved as UTF-8 with a BOM: Windows PowerShell 5.1 reads a file without one in the ANSI
# code page, which would garble the Chinese messages.
$ErrorActionPreference = 'Stop'
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$wrapper = Join-Path $here 'baomi-agent.exe'
foreach ($f in @($wrapper, (Join-Path $here 'baomi-agent.xml'), (Join-Path $here 'node.exe'))) {
  if (-not (Test-Path $f)) { throw "Baomi: $f is missing; reinstall the package. / 缺少 $f，请重新安装。" }
}
if (Get-Service -Name 'baomi-agent' -ErrorAction SilentlyContinue) {
  & $wrapper stop | Out-Null
  & $wrapper uninstall | Out-Null
}
# The data folder holds the event log, the agent's key and the trusted keys (trust\): SYSTEM and
# Administrators only, nothing inherited from ProgramData (whose list lets Users create folders
# there). Windows has no mode bits for the agent to check, so this list is what keeps others
# out. A folder someone else made first is taken back whole: Administrators own it and all in
# it, every entry anyone added goes (/reset), then only the two remain. A link or junction in
# its place is refused. By SID: the names differ on a Chinese Windows.
$data = Join-Path $env:ProgramData 'Baomi'
if (Test-Path -LiteralPath $data) {
  if ((Get-Item -LiteralPath $data -Force).Attributes -band [IO.FileAttributes]::ReparsePoint) {
    throw "Baomi: $data is a link or junction, not a folder; remove it and run this again. / $data 是链接或联接点而非文件夹，请删除后重新运行。"
  }
} else {
  New-Item -ItemType Directory -Path $data | Out-Null
}
foreach ($step in @(
    @('/setowner', '*S-1-5-32-544', '/T', '/C', '/L'),
    @('/reset', '/T', '/C', '/L'),
    @('/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F'))) {
  & icacls.exe $data @step | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "Baomi: $data could not be closed to everyone but SYSTEM and Administrators (icacls $($step[0]): $LASTEXITCODE). / 无法将 $data 的访问权限限定为 SYSTEM 和管理员。" }
}
& $wrapper install
if ($LASTEXITCODE -ne 0) { throw "Baomi: the service could not be installed ($LASTEXITCODE). / 服务安装失败。" }
# Restart after every failure, with no give-up (the service manager's own record, beside WinSW's).
& sc.exe failure baomi-agent reset= 3600 actions= restart/1000/restart/1000/restart/1000 | Out-Null
if ($LASTEXITCODE -ne 0) { throw "Baomi: the restart-on-failure actions could not be set ($LASTEXITCODE). / 无法设置服务失败后自动重启。" }
& $wrapper start
if ($LASTEXITCODE -ne 0) { throw "Baomi: the service did not start ($LASTEXITCODE). / 服务未能启动。" }
Write-Output 'Baomi: the agent service is installed and running. / 终端代理服务已安装并运行。'
