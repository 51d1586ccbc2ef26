"""One small hierarchy of errors for the whole product.

Every message names the bad value and says what to do about it. The CLI turns
any ``AssetRegisterError`` into a one-line message with a non-zero exit; the UI
shows it in its one error dialog.
"""

from __future__ import annotations


class AssetRegisterError(Exception):
    """Base class: a problem the user can act on (bad input, bad file, bad setting)."""

    exit_code = 1


class NotARegisterError(AssetRegisterError):
    """The file exists but is not an asset register (or not a GeoPackage at all)."""


class RegisterNotFoundError(AssetRegisterError):
    """No register at the given path or URL."""


class RegisterExistsError(AssetRegisterError):
    """Refusing to create a register over an existing file."""


class SchemaVersionError(AssetRegisterError):
    """The register was written by a newer version of the application."""


class RegisterReadOnlyError(AssetRegisterError):
    """The register file (or its folder) cannot be written, or is locked."""


class RegisterLockedError(RegisterReadOnlyError):
    """Another program holds a write lock on the register."""


class ValidationError(AssetRegisterError):
    """Data does not fit the canonical model (bad enum value, missing field...)."""


class DuplicateRecordError(ValidationError):
    """The register already holds a record with this key (e.g. a notice reference and version
    another session recorded at the same time)."""


class CRSError(AssetRegisterError):
    """A coordinate reference system is missing, unknown or clearly wrong for the data."""


class ImportError_(AssetRegisterError):
    """A source file cannot be imported (unreadable, unsupported, empty...)."""


class ProfileError(AssetRegisterError):
    """A mapping profile is invalid (unknown field, bad value map...)."""


class SettingError(AssetRegisterError):
    """A setting's key is unknown, or its value does not fit the setting's type."""


class RulesError(AssetRegisterError):
    """A rules file is invalid (unknown key, negative clearance...)."""


class FootprintError(AssetRegisterError):
    """A dig footprint is invalid (empty, self-intersecting, outside the register...)."""


class NoticeError(AssetRegisterError):
    """A notice pack cannot be produced (unwritable folder, bad dates, missing setting...)."""


class NotFoundError(AssetRegisterError):
    """A named thing (asset, owner, notice, batch) is not in the register."""


class CancelledError(AssetRegisterError):
    """Long work was cancelled by the user; nothing was changed."""


class ConnectionError_(AssetRegisterError):
    """A database server cannot be reached or refused the credentials."""


class PermissionDeniedError(AssetRegisterError):
    """The connected role is not allowed to do this (e.g. a planner importing)."""


class RetireNotConfirmedError(ImportError_):
    """An import would retire a large share of an owner's assets and was not confirmed."""


class AuditChainError(AssetRegisterError):
    """The audit log's hash chain does not hold: an entry was edited, deleted, inserted or
    reordered (``audit verify``)."""

    exit_code = 3


class PurposeRequiredError(ValidationError):
    """A check of a shared register was asked for without its purpose."""
