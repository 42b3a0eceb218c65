; The qmdesk installer (make installer; windows/installer defines VERSION,
; VERSION4, STAGE, OUT and, when signing, SIGN). For the clerk's own
; Windows account: no administrator rights, the program in
; %LOCALAPPDATA%\Programs\qmdesk, the data never touched (it lives in
; %LOCALAPPDATA%\qmdesk and %APPDATA%\qmdesk, which the program makes), so
; that a newer installer run over an older one replaces the program and
; keeps the database, and the uninstaller leaves the data unless asked.

; A 64-bit installer for a 64-bit program: on 32-bit Windows it does not
; start at all, rather than install a program that cannot run.
Target amd64-unicode
ManifestDPIAware true
ManifestSupportedOS Win10
RequestExecutionLevel user
SetCompressor /SOLID lzma
SpaceTexts none

!define PRODUCT "qmdesk"
!define PUBLISHER "ที่ทำการปกครองจังหวัด — โครงการ ThaiQM"
!define WEBSITE "https://github.com/qmdesk/qmdesk"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\qmdesk"
; The program's entry in "Open with" for workbooks (never their default).
!define PROGID "qmdesk.workbook"
!define APPKEY "Software\Classes\Applications\qmdesk.exe"

Name "qmdesk"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\qmdesk"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "qmdesk ${VERSION}"

!ifdef SIGN
  ; The uninstaller is signed before it is packed, the installer once
  ; written (windows/sign, with SIGN_CERT and SIGN_PASS).
  !uninstfinalize '"${SIGN}" "%1"' = 0
  !finalize '"${SIGN}" "%1"' = 0
!endif

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include WordFunc.nsh

!define MUI_ICON "${STAGE}/qmdesk.ico"
!define MUI_UNICON "${STAGE}/qmdesk.ico"
!define MUI_ABORTWARNING

!define MUI_WELCOMEPAGE_TITLE "ติดตั้ง qmdesk รุ่น ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "qmdesk ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM ระดับจังหวัด$\r$\n$\r$\nโปรแกรมจะติดตั้งสำหรับบัญชีผู้ใช้ Windows นี้เท่านั้น ไม่ต้องใช้สิทธิ์ผู้ดูแลระบบ$\r$\n$\r$\nถ้ามี qmdesk รุ่นก่อนติดตั้งอยู่ จะติดตั้งรุ่นนี้แทน ฐานข้อมูลและไฟล์สำรองเดิมยังอยู่ครบ$\r$\n$\r$\nกด ติดตั้ง เพื่อเริ่ม"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_TITLE "ติดตั้ง qmdesk เสร็จแล้ว"
!define MUI_FINISHPAGE_TEXT "qmdesk รุ่น ${VERSION} พร้อมใช้ เปิดได้จากไอคอน qmdesk บนเดสก์ท็อปหรือในเมนู Start$\r$\n$\r$\nข้อมูลเก็บไว้ที่ $LOCALAPPDATA\qmdesk"
!define MUI_FINISHPAGE_RUN "$INSTDIR\qmdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "เปิด qmdesk"
!insertmacro MUI_PAGE_FINISH

; Windows' own Thai word for uninstall (NSIS's says "cancel the installation").
UninstallButtonText "ถอนการติดตั้ง"
!define MUI_PAGE_HEADER_TEXT "ถอนการติดตั้ง qmdesk"
!define MUI_PAGE_HEADER_SUBTEXT "ลบโปรแกรม qmdesk ออกจากเครื่องนี้"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "จะลบโปรแกรม qmdesk ออกจากโฟลเดอร์นี้ ส่วนข้อมูลเลือกเก็บหรือลบได้ในหน้าถัดไป"
!define MUI_UNCONFIRMPAGE_TEXT_LOCATION "โปรแกรมอยู่ที่"
!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_PAGE_HEADER_TEXT "เก็บหรือลบข้อมูล"
!define MUI_PAGE_HEADER_SUBTEXT "ข้อมูลของ qmdesk ในเครื่องนี้"
!define MUI_COMPONENTSPAGE_TEXT_TOP "ฐานข้อมูล ไฟล์สำรอง และกุญแจของบันทึกการแก้ไขจะยังอยู่ในเครื่องนี้ ติดตั้ง qmdesk อีกครั้งก็ใช้ต่อได้"
!define MUI_COMPONENTSPAGE_TEXT_COMPLIST "ติ๊ก ลบข้อมูลด้วย$\r$\nเฉพาะเมื่อจะไม่ใช้$\r$\nข้อมูลในเครื่องนี้อีก:$\r$\nลบแล้วกู้คืนไม่ได้"
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "Thai"

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=${LANG_THAI} "ProductName" "qmdesk"
VIAddVersionKey /LANG=${LANG_THAI} "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=${LANG_THAI} "FileDescription" "ติดตั้ง qmdesk ${VERSION}"
VIAddVersionKey /LANG=${LANG_THAI} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_THAI} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_THAI} "LegalCopyright" "${PUBLISHER}"

; closed waits until no qmdesk program runs from $INSTDIR: Windows keeps a
; running program's file locked, and replacing or removing it would fail
; half way. Silent (/S), it gives up at once (exit code 2).
!macro waitClosed file
  ${Do}
    ${IfNot} ${FileExists} "$INSTDIR\${file}"
      ${Break}
    ${EndIf}
    ClearErrors
    FileOpen $0 "$INSTDIR\${file}" a
    ${IfNot} ${Errors}
      FileClose $0
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "qmdesk ยังเปิดอยู่ (${file})$\r$\nกรุณาปิดหน้าต่าง qmdesk และหน้าต่างคำสั่งที่ใช้ qmdesk อยู่ แล้วกด ลองอีกครั้ง" /SD IDCANCEL IDRETRY +2
    Abort "qmdesk ยังเปิดอยู่: ปิดโปรแกรมแล้วลองใหม่ (qmdesk is running)"
  ${Loop}
!macroend
!macro closed un
Function ${un}closed
  !insertmacro waitClosed qmdesk.exe
  !insertmacro waitClosed qmdesk-cli.exe
FunctionEnd
!macroend
!insertmacro closed ""
!insertmacro closed "un."

Function .onInit
  ; A newer qmdesk is never replaced by an older one unasked: its database
  ; may already be of a newer form the older program cannot open.
  ReadRegStr $0 HKCU "${UNINSTKEY}" "DisplayVersion"
  ${If} $0 != ""
    ${VersionCompare} $0 "${VERSION}" $1
    ${If} $1 == 1
      MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "เครื่องนี้มี qmdesk รุ่น $0 ซึ่งใหม่กว่ารุ่นที่จะติดตั้ง (${VERSION})$\r$\nรุ่นเก่าอาจเปิดฐานข้อมูลที่รุ่นใหม่ปรับไปแล้วไม่ได้$\r$\n$\r$\nต้องการติดตั้งรุ่นเก่ากว่าแทนหรือไม่" /SD IDNO IDYES +2
      Abort
    ${EndIf}
  ${EndIf}
FunctionEnd

Section "qmdesk" SecProgram
  SectionIn RO
  Call closed
  SetOutPath "$INSTDIR"
  File "${STAGE}/qmdesk.exe"
  File "${STAGE}/qmdesk-cli.exe"
!ifdef MESA
  ; The software OpenGL fallback (Mesa), for PCs that cannot draw the
  ; window: Windows loads opengl32.dll from the program's folder first.
  File "${STAGE}/mesa/*.dll"
  FileOpen $0 "$INSTDIR\software-drawing.txt" w
  FileWrite $0 "opengl32.dll and the DLLs beside it are Mesa's software OpenGL, installed by qmdesk-setup-${VERSION}-software-drawing.exe. Delete the DLLs to draw with the graphics card again.$\r$\n"
  FileClose $0
!else
  ; An installer without the fallback over one with it: the fallback
  ; stays (the PC still needs it), as the note beside it says.
!endif
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Start menu and desktop, the clerk's own.
  CreateShortCut "$SMPROGRAMS\qmdesk.lnk" "$INSTDIR\qmdesk.exe" "" "$INSTDIR\qmdesk.exe" 0 SW_SHOWNORMAL "" "ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM ระดับจังหวัด"
  CreateShortCut "$DESKTOP\qmdesk.lnk" "$INSTDIR\qmdesk.exe" "" "$INSTDIR\qmdesk.exe" 0 SW_SHOWNORMAL "" "ติดตามการแก้ไขปัญหาครัวเรือน ThaiQM ระดับจังหวัด"

  ; Apps & features: name, version, publisher, icon, size, uninstall.
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "qmdesk"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\qmdesk.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "URLInfoAbout" "${WEBSITE}"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0

  ; "Open with qmdesk" for .xlsx and .xlsm: the workbook goes to the
  ; import screen's dry run (qmdesk.exe FILE). Excel stays the default.
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "สมุดงาน Excel (qmdesk)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\qmdesk.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\qmdesk.exe" "%1"'
  WriteRegNone HKCU "Software\Classes\.xlsx\OpenWithProgids" "${PROGID}"
  WriteRegNone HKCU "Software\Classes\.xlsm\OpenWithProgids" "${PROGID}"
  WriteRegStr HKCU "${APPKEY}" "FriendlyAppName" "qmdesk"
  WriteRegStr HKCU "${APPKEY}\DefaultIcon" "" "$INSTDIR\qmdesk.exe,0"
  WriteRegStr HKCU "${APPKEY}\shell\open\command" "" '"$INSTDIR\qmdesk.exe" "%1"'
  WriteRegStr HKCU "${APPKEY}\SupportedTypes" ".xlsx" ""
  WriteRegStr HKCU "${APPKEY}\SupportedTypes" ".xlsm" ""
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)' ; SHCNE_ASSOCCHANGED
SectionEnd

Section "un.โปรแกรม qmdesk" UnSecProgram
  SectionIn RO
  Call un.closed
  Delete "$INSTDIR\qmdesk.exe"
  Delete "$INSTDIR\qmdesk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  ; The software OpenGL fallback, if an installer put it there.
  IfFileExists "$INSTDIR\software-drawing.txt" 0 +3
    Delete "$INSTDIR\*.dll"
    Delete "$INSTDIR\software-drawing.txt"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\qmdesk.lnk"
  Delete "$DESKTOP\qmdesk.lnk"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegValue HKCU "Software\Classes\.xlsx\OpenWithProgids" "${PROGID}"
  DeleteRegValue HKCU "Software\Classes\.xlsm\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\.xlsx\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\.xlsm\OpenWithProgids"
  DeleteRegKey HKCU "${APPKEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

; Not ticked unless the clerk ticks it (or uninstall.exe /S /REMOVEDATA):
; the database, its backups and the audit log's key and anchors, and the
; window's settings. Asked once more, No by default.
Section /o "un.ลบข้อมูลด้วย" UnSecData
  MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "จะลบฐานข้อมูล ไฟล์สำรอง และกุญแจของบันทึกการแก้ไขของ qmdesk ในเครื่องนี้ทั้งหมด$\r$\n$LOCALAPPDATA\qmdesk$\r$\n$APPDATA\qmdesk$\r$\n$\r$\nลบแล้วกู้คืนไม่ได้ ต้องการลบหรือไม่" /SD IDYES IDYES +2
  Return
  RMDir /r "$LOCALAPPDATA\qmdesk"
  RMDir /r "$APPDATA\qmdesk"
  RMDir /r "$PROFILE\AppData\Roaming\fyne\th.go.dopa.qmdesk"
SectionEnd

Function un.onInit
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/REMOVEDATA" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${UnSecData} ${SF_SELECTED}
  ${EndIf}
FunctionEnd
