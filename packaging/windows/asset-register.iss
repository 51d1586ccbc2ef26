; Windows installer of the packaged app (Inno Setup 6).
;
; Build on Windows, after `pyinstaller build.spec --noconfirm` has made dist\asset-register:
;     iscc /DAppVersion=0.1.0 packaging\windows\asset-register.iss
; Output: dist\asset-register-<version>-windows-x64-setup.exe. See docs/installing.md.
;
; The wizard asks for the street authority (name and notice-reference code) and where the
; register lives; it creates the register there, or sets the authority on an existing one,
; and points the Start-menu shortcut at it. For unattended installs pass the same answers
; on the command line, e.g.
;     setup.exe /VERYSILENT /ALLUSERS /AUTHORITYNAME="Wessex Borough Council"
;               /AUTHORITYCODE=WSX /REGISTER="S:\Streetworks\register.gpkg"

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Underground Asset Register"
#define Bundle "..\..\dist\asset-register"

[Setup]
AppId={{3C6F6A52-8B0E-4E43-9C8F-2B7D6E0F4A11}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Underground Asset Register project
DefaultDirName={autopf}\Asset Register
DefaultGroupName=Asset Register
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=asset-register-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\asset-register.ico
UninstallDisplayIcon={app}\asset-register-gui.exe
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"
Name: "addtopath"; Description: "Add the asset-register command line to PATH"; GroupDescription: "Command line:"; Flags: unchecked

[Files]
; The whole PyInstaller folder: both executables and _internal (GDAL, PROJ, Qt, the sample town).
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\icons\asset-register.ico"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
Name: "{commondocs}\Asset Register"; Permissions: users-modify

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\asset-register-gui.exe"; Parameters: """{code:RegisterPath}"""; WorkingDir: "{userdocs}"; IconFilename: "{app}\asset-register.ico"
Name: "{group}\{#AppName} (sample town)"; Filename: "{app}\asset-register-gui.exe"; Parameters: "--sample"; WorkingDir: "{userdocs}"; IconFilename: "{app}\asset-register.ico"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\asset-register-gui.exe"; Parameters: """{code:RegisterPath}"""; WorkingDir: "{userdocs}"; IconFilename: "{app}\asset-register.ico"; Tasks: desktopicon

[Registry]
; Command line on PATH (machine-wide for an all-users install, else for this user).
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: IsAdminInstallMode and MachinePathLacksApp
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: (not IsAdminInstallMode) and UserPathLacksApp

[Run]
; A new register is created with the authority's name and code; an existing one (e.g. on a
; shared drive, set up by the first install) only gets them set again.
Filename: "{app}\asset-register.exe"; Parameters: "init ""{code:RegisterPath}"" --authority-name ""{code:AuthorityName}"" --authority-code ""{code:AuthorityCode}"""; StatusMsg: "Creating the register..."; Flags: runhidden waituntilterminated; Check: not RegisterExisted
Filename: "{app}\asset-register.exe"; Parameters: "notice-settings ""{code:RegisterPath}"" --authority-name ""{code:AuthorityName}"" --prefix ""{code:AuthorityCode}"""; StatusMsg: "Setting the authority on the register..."; Flags: runhidden waituntilterminated; Check: RegisterExisted
Filename: "{app}\asset-register-gui.exe"; Parameters: """{code:RegisterPath}"""; Description: "Open the register now"; Flags: postinstall nowait skipifsilent

[Code]
var
  AuthorityPage: TInputQueryWizardPage;
  RegisterPage: TInputFileWizardPage;
  RegisterWasThere: Boolean;

function ValidCode(Code: String): Boolean;
var
  I: Integer;
begin
  Result := (Length(Code) >= 1) and (Length(Code) <= 8);
  for I := 1 to Length(Code) do
    if not (((Code[I] >= 'A') and (Code[I] <= 'Z')) or ((Code[I] >= '0') and (Code[I] <= '9'))) then
      Result := False;
end;

procedure InitializeWizard;
begin
  AuthorityPage := CreateInputQueryPage(wpSelectTasks,
    'Street authority', 'Which authority is this installation for?',
    'Notices name the authority, and their references start with its code (e.g. WSX-2026-00001).');
  AuthorityPage.Add('Authority name:', False);
  AuthorityPage.Add('Authority code (capital letters and digits, up to 8):', False);
  AuthorityPage.Values[0] := ExpandConstant('{param:AUTHORITYNAME|' + GetPreviousData('AuthorityName', '') + '}');
  AuthorityPage.Values[1] := ExpandConstant('{param:AUTHORITYCODE|' + GetPreviousData('AuthorityCode', '') + '}');

  RegisterPage := CreateInputFilePage(AuthorityPage.ID,
    'Register', 'Where does the register live?',
    'The register is one GeoPackage file. Keep it on a local disk: SQLite files must not be ' +
    'shared over network drives (use a PostGIS register for a shared team register). ' +
    'It is created if it does not exist yet.');
  RegisterPage.Add('Register file:', 'Asset register (*.gpkg)|*.gpkg', '.gpkg');
  RegisterPage.IsSaveButton[0] := True;
  RegisterPage.Values[0] := ExpandConstant('{param:REGISTER|' +
    GetPreviousData('RegisterPath', ExpandConstant('{commondocs}\Asset Register\register.gpkg')) + '}');
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if CurPageID = AuthorityPage.ID then
  begin
    AuthorityPage.Values[1] := Uppercase(Trim(AuthorityPage.Values[1]));
    if Trim(AuthorityPage.Values[0]) = '' then
    begin
      MsgBox('Enter the authority''s name: it is printed on every notice.', mbError, MB_OK);
      Result := False;
    end
    else if not ValidCode(AuthorityPage.Values[1]) then
    begin
      MsgBox('The authority code must be 1 to 8 capital letters or digits, e.g. WSX.', mbError, MB_OK);
      Result := False;
    end;
  end
  else if (CurPageID = RegisterPage.ID) and (Trim(RegisterPage.Values[0]) = '') then
  begin
    MsgBox('Choose the register file.', mbError, MB_OK);
    Result := False;
  end;
end;

procedure RegisterPreviousData(PreviousDataKey: Integer);
begin
  SetPreviousData(PreviousDataKey, 'AuthorityName', AuthorityPage.Values[0]);
  SetPreviousData(PreviousDataKey, 'AuthorityCode', AuthorityPage.Values[1]);
  SetPreviousData(PreviousDataKey, 'RegisterPath', RegisterPage.Values[0]);
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  if CurStep = ssInstall then
  begin
    RegisterWasThere := FileExists(RegisterPage.Values[0]);
    ForceDirectories(ExtractFileDir(RegisterPage.Values[0]));
  end;
end;

function RegisterExisted: Boolean;
begin
  Result := RegisterWasThere;
end;

function AuthorityName(Param: String): String;
begin
  Result := Trim(AuthorityPage.Values[0]);
end;

function AuthorityCode(Param: String): String;
begin
  Result := Uppercase(Trim(AuthorityPage.Values[1]));
end;

function RegisterPath(Param: String): String;
begin
  Result := Trim(RegisterPage.Values[0]);
end;

function PathLacksApp(Root: Integer; Subkey: String): Boolean;
var
  Current: String;
begin
  if not RegQueryStringValue(Root, Subkey, 'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(ExpandConstant('{app}')) + ';', ';' + Uppercase(Current) + ';') = 0;
end;

function MachinePathLacksApp: Boolean;
begin
  Result := PathLacksApp(HKEY_LOCAL_MACHINE, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment');
end;

function UserPathLacksApp: Boolean;
begin
  Result := PathLacksApp(HKEY_CURRENT_USER, 'Environment');
end;
