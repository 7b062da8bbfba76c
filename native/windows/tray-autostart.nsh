; Starts the Baomi tray at every sign-in, for every user of the machine (the NSIS installer is
; per machine: electron-builder.yml nsis.perMachine), and removes that on uninstall. Included
; by electron-builder's NSIS script (nsis.include); customInstall and customUnInstall are its
; hooks. The tray runs as the person signing in, never elevated.
!macro customInstall
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "BaomiTray" '"$INSTDIR\baomi-tray.exe"'
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "BaomiTray"
!macroend
