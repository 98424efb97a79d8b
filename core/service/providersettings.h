#pragma once

#include "core/common/providercatalogue.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

// What Settings — Social Integration — Providers shows and sends: plain values, so the page
// (widgets only) and the service (database only) share them without depending on each other.
namespace EasyCrm {

// Where the values that apply to the acting tenant come from.
enum class ConfigOrigin {
    NotConfigured,  // no row for the tenant, none for the host
    HostDefault,    // the host's row (TenantId NULL); what a host user edits
    TenantOverride, // the tenant's own row
};

// The editor's fields, so a validation message lands at the one to fix.
enum class ProviderField {
    None,
    Enabled,
    ClientId,
    ClientSecret,
    Scopes,
    RedirectPort,
    AuthorizeEndpoint,
    TokenEndpoint,
    RevocationEndpoint,
    ProfileEndpoint,
    Issuer,
};

// Endpoint texts; in an override, empty means the catalogue's value.
struct ProviderEndpoints
{
    QString authorize;
    QString token;
    QString revocation;
    QString profile;
    QString issuer;

    bool operator==(const ProviderEndpoints &) const = default;
};

struct ScopeOption
{
    QString name;
    bool isDefault = false;    // always requested; cannot be turned off
    bool approvalOnly = false; // granted only to apps the provider approved
};

// One provider as the acting tenant sees it: the catalogue's facts and what applies.
struct ProviderSettings
{
    // --- The catalogue ----------------------------------------------------------------------
    QString providerKey;
    QString providerName;
    ProviderProtocol protocol = ProviderProtocol::OAuth2;
    RedirectPortRule portRule = RedirectPortRule::Any;
    QList<ScopeOption> scopes; // default scopes first, then the optional ones
    ProviderEndpoints catalogueEndpoints;

    // --- What applies to the acting tenant --------------------------------------------------
    ConfigOrigin origin = ConfigOrigin::NotConfigured;
    bool actingOnHost = false;      // the signed-in user works on the host
    bool hostDefaultExists = false; // what "Use host default" falls back to
    bool enabled = false;
    QString clientId;
    bool hasClientSecret = false; // the secret itself never leaves the service
    QStringList enabledScopes;
    int redirectPort = 0; // 0 = any loopback port
    ProviderEndpoints endpointOverrides;
    // The ConcurrencyStamp of the row the values come from; empty when there is none.
    QString concurrencyStamp;

    [[nodiscard]] bool isConfigured() const { return enabled && !clientId.isEmpty(); }
    // The acting tenant has a row of its own that "Use host default" would remove.
    [[nodiscard]] bool canUseHostDefault() const
    {
        return !actingOnHost && origin == ConfigOrigin::TenantOverride;
    }
};

// What the editor sends to be saved, with the version it showed.
struct ProviderEdit
{
    QString providerKey;
    ConfigOrigin shownOrigin = ConfigOrigin::NotConfigured;
    QString shownStamp;
    bool enabled = false;
    QString clientId;
    // Typed by the admin; empty keeps the saved one. Wiped by the service after use.
    QByteArray clientSecret;
    QStringList enabledScopes;
    int redirectPort = 0; // 0 = any loopback port
    ProviderEndpoints endpointOverrides;
};

// One mistake in an edit, at its field, in the admin's words.
struct FieldProblem
{
    ProviderField field = ProviderField::None;
    QString message;
};

// One row of "Test configuration".
enum class CheckVerdict { Passed, Failed, Skipped };

struct ConfigCheck
{
    QString title; // what was checked ("Token endpoint")
    CheckVerdict verdict = CheckVerdict::Skipped;
    QString text;                              // plain text: the answer, or what went wrong
    ProviderField field = ProviderField::None; // the setting the row is about
};

} // namespace EasyCrm

Q_DECLARE_METATYPE(EasyCrm::ProviderSettings)
Q_DECLARE_METATYPE(EasyCrm::ProviderEdit)
Q_DECLARE_METATYPE(EasyCrm::ConfigCheck)
