; The Baomi agent's Windows installer (issue 14 §7), built by scripts/pack-agent-nsis.mjs with
; makensis from the tree scripts/pack-agent.mjs packed on Windows (node.exe, bin\, dist\,
; node_modules\, baomi-agent.xml, install-service.ps1) and WinSW's executable as
; baomi-agent.exe. Per machine, elevated; silent with /S (GPO, Intune, SCCM). It installs to
; %ProgramFiles%\Baomi, runs install-service.ps1 (the service under LocalSystem, restarted
; after every failure) and fails, with exit code 2 and a message in Chinese or English, when
; that script fails (WinSW could not install or start the service; a machine policy refusing
; the unsigned script, too): an installer that reports success must have started the agent's
; service. The uninstall entry is written only then (what Intune and SCCM detect).
; An upgrade stops the running service (and waits) before replacing its files; a file
; it cannot write fails the install (USB storage stays blocked meanwhile: its start type is the
; system's, not the process's). Uninstalling stops and removes the service and the files the
; installer put there, by name; the event log in %ProgramData%\Baomi stays (evidence is
; deleted by a person, never by an uninstaller).
;
; makensis -DSOURCE=<tree> -DVERSION=<x.y.z> -DOUTFILE=<setup.exe> agent-installer.nsi
Unicode true
!ifndef SOURCE
  !error "define SOURCE, VERSION and OUTFILE (scripts/pack-agent-nsis.mjs does)"
!endif
!ifndef VERSION
  !error "define SOURCE, VERSION and OUTFILE (scripts/pack-agent-nsis.mjs does)"
!endif
!ifndef OUTFILE
  !error "define SOURCE, VERSION and OUTFILE (scripts/pack-agent-nsis.mjs does)"
!endif
!include "x64.nsh"
!include "LogicLib.nsh"

Name "Baomi agent ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\Baomi"
RequestExecutionLevel admin
ShowInstDetails show
ShowUninstDetails show
SetCompressor /SOLID lzma
; A file that cannot be written (an agent still holding it) fails the install, never skipped.
AllowSkipFiles off

LoadLanguageFile "${NSISDIR}\Contrib\Language files\English.nlf"
LoadLanguageFile "${NSISDIR}\Contrib\Language files\SimpChinese.nlf"
LangString ServiceFailed ${LANG_ENGLISH} "The Baomi agent service could not be installed or did not start (install-service.ps1 said $0). The files are in place; run install-service.ps1 in $INSTDIR as Administrator to see why."
LangString ServiceFailed ${LANG_SIMPCHINESE} "保密终端代理服务未能安装或未能启动（install-service.ps1 返回 $0）。文件已安装；请以管理员身份运行 $INSTDIR 中的 install-service.ps1 查看原因。"
LangString FilesFailed ${LANG_ENGLISH} "Some of the Baomi agent's files could not be written in $INSTDIR (is the agent still running?). Nothing was started; run the installer again."
LangString FilesFailed ${LANG_SIMPCHINESE} "无法写入 $INSTDIR 中保密终端代理的部分文件（代理是否仍在运行？）。未启动任何服务；请重新运行安装程序。"
LangString NotAdmin ${LANG_ENGLISH} "Installing the Baomi agent needs an administrator."
LangString NotAdmin ${LANG_SIMPCHINESE} "安装保密终端代理需要管理员权限。"
LangString Not64 ${LANG_ENGLISH} "The Baomi agent needs 64-bit Windows."
LangString Not64 ${LANG_SIMPCHINESE} "保密终端代理需要 64 位 Windows。"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\BaomiAgent"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "$(Not64)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  SetRegView 64
  UserInfo::GetAccountType
  Pop $0
  ${If} $0 != "admin"
    MessageBox MB_ICONSTOP|MB_OK "$(NotAdmin)" /SD IDOK
    SetErrorLevel 740
    Quit
  ${EndIf}
FunctionEnd

Section "Baomi agent"
  SetShellVarContext all
  ; An upgrade: the running agent holds node.exe and its modules open. WinSW's stopwait
  ; returns once the service has stopped (stop only asks).
  ${If} ${FileExists} "$INSTDIR\baomi-agent.exe"
    nsExec::ExecToLog '"$INSTDIR\baomi-agent.exe" stopwait'
    Pop $0
  ${EndIf}
  SetOutPath "$INSTDIR"
  ClearErrors
  File /r "${SOURCE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  ${If} ${Errors}
    MessageBox MB_ICONSTOP|MB_OK "$(FilesFailed)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  ; The service: installed (or replaced) and started; anything else fails the install. The
  ; 64-bit PowerShell (this installer is a 32-bit program: System32 would be SysWOW64's).
  ${DisableX64FSRedirection}
  nsExec::ExecToLog '"$SYSDIR\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "$INSTDIR\install-service.ps1"'
  Pop $0
  ${EnableX64FSRedirection}
  ${If} $0 != "0"
    MessageBox MB_ICONSTOP|MB_OK "$(ServiceFailed)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  ; Only now is it installed: what Intune and SCCM detect.
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "Baomi agent"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "Baomi"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  ${If} ${FileExists} "$INSTDIR\baomi-agent.exe"
    nsExec::ExecToLog '"$INSTDIR\baomi-agent.exe" stopwait'
    Pop $0
    nsExec::ExecToLog '"$INSTDIR\baomi-agent.exe" uninstall'
    Pop $0
  ${EndIf}
  ; The seal goes with the agent: USBSTOR's start type 4 would keep USB storage disabled for
  ; good (`baomi usb release`; refused, and logged, while an agent still answers).
  ${If} ${FileExists} "$INSTDIR\node.exe"
    nsExec::ExecToLog '"$INSTDIR\node.exe" "$INSTDIR\bin\baomi.js" usb release'
    Pop $0
  ${EndIf}
  ; Only what the installer put there (and WinSW's logs beside it), by name: a folder given
  ; with /D keeps everything else. %ProgramData%\Baomi (the event log, the policy) stays.
  RMDir /r "$INSTDIR\bin"
  RMDir /r "$INSTDIR\dist"
  RMDir /r "$INSTDIR\native"
  RMDir /r "$INSTDIR\node_modules"
  Delete "$INSTDIR\node.exe"
  Delete "$INSTDIR\baomi-agent.exe"
  Delete "$INSTDIR\baomi-agent.xml"
  Delete "$INSTDIR\baomi-agent.*.log"
  Delete "$INSTDIR\install-service.ps1"
  Delete "$INSTDIR\MANIFEST.json"
  Delete "$INSTDIR\package.json"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\LICENSE"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
