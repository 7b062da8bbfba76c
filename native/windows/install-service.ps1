# Installs and starts the Baomi agent service (run as Administrator, from the folder holding
# baomi-agent.exe (WinSW), baomi-agent.xml, node.exe and bin\). Safe to run again: an existing
# service is stopped and replaced. Used by the NSIS installer and by GPO/Intune scripts alike.
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
& $wrapper install
if ($LASTEXITCODE -ne 0) { throw "Baomi: the service could not be installed ($LASTEXITCODE). / 服务安装失败。" }
# Restart after every failure, with no give-up (the service manager's own record, beside WinSW's).
& sc.exe failure baomi-agent reset= 3600 actions= restart/1000/restart/1000/restart/1000 | Out-Null
& $wrapper start
if ($LASTEXITCODE -ne 0) { throw "Baomi: the service did not start ($LASTEXITCODE). / 服务未能启动。" }
Write-Output 'Baomi: the agent service is installed and running. / 终端代理服务已安装并运行。'
