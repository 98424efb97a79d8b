#include "core/service/providerconfigservice.h"

#include "core/common/ids.h"
#include "core/common/secret.h"
#include "core/crypto/dataprotector.h"
#include "core/db/auditwriter.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/actionaudit.h"
#include "core/service/crmcontract.h"
#include "core/service/providerconfigcheck.h"
#include "core/service/providerendpoints.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>

Q_LOGGING_CATEGORY(lcProviders, "easycrm.service.providers", QtInfoMsg)

namespace EasyCrm {

namespace {

// The column sizes of SocialCrmProviderConfigurations.
constexpr qsizetype kMaxClientId = 256;
constexpr qsizetype kMaxEndpoint = 2048;
// RFC 6335 §6: below 1024 are system ports, which a desktop user cannot listen on.
constexpr int kLowestPort = 1024;
constexpr int kHighestPort = 65535;

QStringList catalogueScopes(const ProviderDescriptor &provider)
{
    QStringList scopes = provider.defaultScopes;
    for (const QString &scope : provider.optionalScopes) {
        if (!scopes.contains(scope))
            scopes << scope;
    }
    return scopes;
}

// The edit's scopes in the catalogue's order, so an unchanged choice compares equal.
QStringList orderedScopes(const ProviderDescriptor &provider, const QStringList &chosen)
{
    QStringList ordered;
    for (const QString &scope : catalogueScopes(provider)) {
        if (chosen.contains(scope))
            ordered << scope;
    }
    return ordered;
}

ProviderEndpoints endpointsOf(const ProviderDescriptor &provider)
{
    return {provider.authorizeEndpoint.toString(), provider.tokenEndpoint.toString(),
            provider.revocationEndpoint.toString(), provider.profileEndpoint.toString(),
            provider.issuer};
}

ProviderEndpoints trimmed(const ProviderEndpoints &e)
{
    return {e.authorize.trimmed(), e.token.trimmed(), e.revocation.trimmed(), e.profile.trimmed(),
            e.issuer.trimmed()};
}

QString endpointProblem(ProviderField field)
{
    const auto tr = [](const char *text) {
        return QCoreApplication::translate("EasyCrm::ProviderConfigService", text);
    };
    switch (field) {
    case ProviderField::AuthorizeEndpoint:
        return tr("Enter the authorization endpoint as an absolute https address (http only "
                  "for 127.0.0.1 or localhost), or leave it empty.");
    case ProviderField::TokenEndpoint:
        return tr("Enter the token endpoint as an absolute https address (http only for "
                  "127.0.0.1 or localhost), or leave it empty.");
    case ProviderField::RevocationEndpoint:
        return tr("Enter the revocation endpoint as an absolute https address (http only for "
                  "127.0.0.1 or localhost), or leave it empty.");
    case ProviderField::ProfileEndpoint:
        return tr("Enter the profile endpoint as an absolute https address (http only for "
                  "127.0.0.1 or localhost), or leave it empty.");
    case ProviderField::Issuer:
        return tr("Enter the issuer as an absolute https address (http only for 127.0.0.1 or "
                  "localhost), or leave it empty.");
    default:
        return {};
    }
}

// The names the audit entry gives the changed fields; never a value.
QStringList changedFields(const Db::ProviderConfig &before, const Db::ProviderConfig &after)
{
    QStringList fields;
    const auto note = [&fields](bool changed, const char *name) {
        if (changed)
            fields << QString::fromLatin1(name);
    };
    QStringList scopesBefore = before.enabledScopes;
    QStringList scopesAfter = after.enabledScopes;
    scopesBefore.sort();
    scopesAfter.sort();
    note(before.isEnabled != after.isEnabled, "IsEnabled");
    note(before.clientId != after.clientId, "ClientId");
    note(before.protectedClientSecret != after.protectedClientSecret, "ClientSecret");
    note(scopesBefore != scopesAfter, "EnabledScopes");
    note(before.redirectPort != after.redirectPort, "RedirectPort");
    note(before.authorizeEndpoint != after.authorizeEndpoint, "AuthorizeEndpoint");
    note(before.tokenEndpoint != after.tokenEndpoint, "TokenEndpoint");
    note(before.revocationEndpoint != after.revocationEndpoint, "RevocationEndpoint");
    note(before.profileEndpoint != after.profileEndpoint, "ProfileEndpoint");
    note(before.issuer != after.issuer, "Issuer");
    return fields;
}

} // namespace

// The rows that decide what applies to the acting tenant.
struct ProviderConfigService::Stored
{
    std::optional<Db::ProviderConfig> own;  // the acting tenant's (a host user's: the default)
    std::optional<Db::ProviderConfig> host; // the host default, read for a tenant user only

    const std::optional<Db::ProviderConfig> &applying() const { return own ? own : host; }
    QString applyingStamp() const { return applying() ? applying()->concurrencyStamp : QString(); }
};

ProviderConfigService::ProviderConfigService(Db::Database &database,
                                             const Crypto::DataProtector &protector,
                                             const ProviderCatalogue &catalogue, SessionUser user,
                                             const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_db(database)
    , m_protector(protector)
    , m_catalogue(catalogue)
    , m_user(std::move(user))
    , m_clock(clock)
{}

ProviderConfigService::~ProviderConfigService() = default;

void ProviderConfigService::setNetworkAccessManager(QNetworkAccessManager *network)
{
    m_network = network;
}

bool ProviderConfigService::mayManage() const
{
    return m_user.isGranted(Contract::kPermissionManageProviders);
}

Result<void> ProviderConfigService::requirePermission() const
{
    if (mayManage())
        return {};
    return makeError(ErrorCode::PermissionDenied,
                     tr("You do not have the permission to configure providers. Ask your "
                        "administrator."),
                     QStringLiteral("missing permission ") + Contract::kPermissionManageProviders);
}

Result<const ProviderDescriptor *> ProviderConfigService::provider(const QString &key) const
{
    if (const ProviderDescriptor *found = m_catalogue.find(key))
        return found;
    return makeError(ErrorCode::ProviderUnknown, tr("This provider is not known."),
                     QStringLiteral("provider-config: unknown provider"));
}

Result<ProviderConfigService::Stored>
ProviderConfigService::readRows(const QString &providerKey) const
{
    Db::ProviderConfigRepository configs(m_db);
    Stored rows;
    auto own = configs.find(m_user.tenantId, providerKey);
    if (!own)
        return own.error();
    rows.own = own.value();
    if (m_user.tenantId) {
        auto host = configs.find(std::nullopt, providerKey);
        if (!host)
            return host.error();
        rows.host = host.value();
    }
    return rows;
}

Result<QList<ProviderSettings>> ProviderConfigService::list() const
{
    if (Result<void> allowed = requirePermission(); !allowed)
        return allowed.error();
    Db::ProviderConfigRepository configs(m_db);
    auto own = configs.listForTenant(m_user.tenantId);
    if (!own)
        return own.error();
    auto host = m_user.tenantId ? configs.listForTenant(std::nullopt)
                                : Result<QList<Db::ProviderConfig>>(QList<Db::ProviderConfig>());
    if (!host)
        return host.error();
    const auto rowOf = [](const QList<Db::ProviderConfig> &rows, const QString &key) {
        const auto it = std::find_if(rows.cbegin(), rows.cend(),
                                     [&key](const auto &row) { return row.providerKey == key; });
        return it == rows.cend() ? std::optional<Db::ProviderConfig>() : std::optional(*it);
    };
    QList<ProviderSettings> settings;
    for (const ProviderDescriptor &provider : m_catalogue.providers()) {
        const Stored rows{rowOf(own.value(), provider.key), rowOf(host.value(), provider.key)};
        settings << toSettings(provider, rows);
    }
    return settings;
}

Result<ProviderSettings> ProviderConfigService::settings(const QString &providerKey) const
{
    if (Result<void> allowed = requirePermission(); !allowed)
        return allowed.error();
    auto found = provider(providerKey);
    if (!found)
        return found.error();
    auto rows = readRows(providerKey);
    if (!rows)
        return rows.error();
    return toSettings(*found.value(), rows.value());
}

ProviderSettings ProviderConfigService::toSettings(const ProviderDescriptor &provider,
                                                   const Stored &rows) const
{
    ProviderSettings s;
    s.providerKey = provider.key;
    s.providerName = provider.displayName;
    s.protocol = provider.protocol;
    s.portRule = provider.redirectPort;
    for (const QString &scope : catalogueScopes(provider)) {
        s.scopes << ScopeOption{scope, provider.defaultScopes.contains(scope),
                                provider.approvalOnlyScopes.contains(scope)};
    }
    s.catalogueEndpoints = endpointsOf(provider);

    s.actingOnHost = !m_user.tenantId;
    s.hostDefaultExists = s.actingOnHost ? rows.own.has_value() : rows.host.has_value();
    if (rows.own)
        s.origin = s.actingOnHost ? ConfigOrigin::HostDefault : ConfigOrigin::TenantOverride;
    else if (rows.host)
        s.origin = ConfigOrigin::HostDefault;
    s.enabledScopes = provider.defaultScopes;
    const std::optional<Db::ProviderConfig> &row = rows.applying();
    if (!row)
        return s;
    s.enabled = row->isEnabled;
    s.clientId = row->clientId;
    s.hasClientSecret = !row->protectedClientSecret.isEmpty();
    // The connect flow asks for the catalogue's defaults when none are stored; show the same.
    if (!row->enabledScopes.isEmpty())
        s.enabledScopes = row->enabledScopes;
    s.redirectPort = row->redirectPort;
    s.endpointOverrides = overridesOf(*row);
    s.concurrencyStamp = row->concurrencyStamp;
    return s;
}

Result<QList<FieldProblem>> ProviderConfigService::validate(const ProviderEdit &edit) const
{
    if (Result<void> allowed = requirePermission(); !allowed)
        return allowed.error();
    auto found = provider(edit.providerKey);
    if (!found)
        return found.error();
    const ProviderDescriptor &p = *found.value();
    QList<FieldProblem> problems;
    checkClientId(p, edit, problems);
    checkScopes(p, edit, problems);
    checkRedirectPort(p, edit, problems);
    checkEndpoints(edit, problems);
    return problems;
}

void ProviderConfigService::checkClientId(const ProviderDescriptor &p, const ProviderEdit &edit,
                                          QList<FieldProblem> &problems) const
{
    const QString clientId = edit.clientId.trimmed();
    if (edit.enabled && clientId.isEmpty()) {
        problems << FieldProblem{ProviderField::ClientId,
                                 tr("Enter the client ID to enable %1.").arg(p.displayName)};
    } else if (clientId.size() > kMaxClientId) {
        problems << FieldProblem{
            ProviderField::ClientId,
            tr("The client ID is at most %1 characters long.").arg(kMaxClientId)};
    }
}

// Only what the catalogue offers, and always what the provider needs for connecting at all.
void ProviderConfigService::checkScopes(const ProviderDescriptor &p, const ProviderEdit &edit,
                                        QList<FieldProblem> &problems) const
{
    const QStringList offered = catalogueScopes(p);
    const auto unknown =
        std::find_if(edit.enabledScopes.cbegin(), edit.enabledScopes.cend(),
                     [&offered](const QString &s) { return !offered.contains(s); });
    if (unknown != edit.enabledScopes.cend()) {
        problems << FieldProblem{ProviderField::Scopes,
                                 tr("%1 does not offer the scope \"%2\". Choose scopes from the "
                                    "list.")
                                     .arg(p.displayName, unknown->left(64))};
    }
    const auto dropped =
        std::find_if(p.defaultScopes.cbegin(), p.defaultScopes.cend(),
                     [&edit](const QString &s) { return !edit.enabledScopes.contains(s); });
    if (dropped != p.defaultScopes.cend()) {
        problems << FieldProblem{ProviderField::Scopes,
                                 tr("The scope \"%1\" is always requested from %2 and cannot be "
                                    "turned off.")
                                     .arg(*dropped, p.displayName)};
    }
}

// RFC 8252 §7.3 lets a loopback redirect use any port; X registers one exact redirect URI.
void ProviderConfigService::checkRedirectPort(const ProviderDescriptor &p, const ProviderEdit &edit,
                                              QList<FieldProblem> &problems) const
{
    const bool fixedRule = p.redirectPort == RedirectPortRule::Fixed;
    const bool needed = (fixedRule && edit.enabled) || edit.redirectPort != 0;
    if (!needed || (edit.redirectPort >= kLowestPort && edit.redirectPort <= kHighestPort))
        return;
    problems << FieldProblem{
        ProviderField::RedirectPort,
        fixedRule ? tr("%1 accepts only the redirect port registered with it. Enter that port "
                       "(%2–%3).")
                        .arg(p.displayName)
                        .arg(kLowestPort)
                        .arg(kHighestPort)
                  : tr("Enter a fixed redirect port from %1 to %2, or choose any loopback port.")
                        .arg(kLowestPort)
                        .arg(kHighestPort)};
}

void ProviderConfigService::checkEndpoints(const ProviderEdit &edit,
                                           QList<FieldProblem> &problems) const
{
    const ProviderEndpoints e = trimmed(edit.endpointOverrides);
    const std::pair<const QString *, ProviderField> endpoints[] = {
        {&e.authorize, ProviderField::AuthorizeEndpoint},
        {&e.token, ProviderField::TokenEndpoint},
        {&e.revocation, ProviderField::RevocationEndpoint},
        {&e.profile, ProviderField::ProfileEndpoint},
        {&e.issuer, ProviderField::Issuer}};
    for (const auto &[text, field] : endpoints) {
        if (text->isEmpty())
            continue;
        if (text->size() > kMaxEndpoint)
            problems << FieldProblem{
                field, tr("An address is at most %1 characters long.").arg(kMaxEndpoint)};
        else if (!isAcceptableProviderAddress(QUrl(*text, QUrl::StrictMode)))
            problems << FieldProblem{field, endpointProblem(field)};
    }
}

Result<ProviderSettings> ProviderConfigService::save(ProviderEdit edit)
{
    // Wiped when this returns, whatever the outcome.
    const SecretBytes typedSecret(std::exchange(edit.clientSecret, {}));
    auto problems = validate(edit);
    if (!problems)
        return problems.error();
    const ProviderDescriptor &p = *m_catalogue.find(edit.providerKey);
    if (!problems.value().isEmpty()) {
        const FieldProblem &first = problems.value().first();
        return makeError(
            ErrorCode::InvalidConfiguration, first.message,
            QStringLiteral("provider-config: invalid field %1").arg(static_cast<int>(first.field)));
    }
    auto rows = readRows(edit.providerKey);
    if (!rows)
        return rows.error();
    if (Result<void> current = checkShownVersion(edit, p, rows.value()); !current)
        return current.error();

    auto row = applyEdit(edit, typedSecret.bytes(), p, rows.value());
    if (!row)
        return row.error();
    const Db::ProviderConfig before = rows.value().applying().value_or(Db::ProviderConfig{});
    const QStringList fields = changedFields(before, row.value());
    const bool isNew = !rows.value().own;
    // Nothing to write and nothing to audit when the admin saved what was stored.
    if (!isNew && fields.isEmpty())
        return toSettings(p, rows.value());
    if (Result<void> stored = store(row.value(), isNew, fields); !stored)
        return explain(p, stored.error());
    qCInfo(lcProviders).noquote() << "saved the configuration of" << p.key
                                  << "- changed:" << fields.join(QStringLiteral(", "));
    emit configurationChanged(p.key);
    return settings(p.key);
}

// The editor showed one version of what applies; saving over another would silently undo
// what another admin did meanwhile.
Result<void> ProviderConfigService::checkShownVersion(const ProviderEdit &edit,
                                                      const ProviderDescriptor &provider,
                                                      const Stored &rows) const
{
    const ProviderSettings now = toSettings(provider, rows);
    if (now.origin == edit.shownOrigin && now.concurrencyStamp == edit.shownStamp)
        return {};
    return changedElsewhere(provider, QStringLiteral("provider-config: shown version is stale"));
}

// The acting tenant's row with the edit applied: its own row, or a new one made from the host
// default's values (its protected secret included) or from nothing.
Result<Db::ProviderConfig> ProviderConfigService::applyEdit(const ProviderEdit &edit,
                                                            const QByteArray &typedSecret,
                                                            const ProviderDescriptor &provider,
                                                            const Stored &rows) const
{
    const QDateTime now = m_clock.nowUtc();
    Db::ProviderConfig row;
    if (rows.own) {
        row = *rows.own;
        row.lastModificationTime = now;
        row.lastModifierId = m_user.userId;
    } else {
        if (rows.host)
            row = *rows.host;
        row.id = QUuid();
        row.tenantId = m_user.tenantId;
        row.providerKey = provider.key;
        row.extraProperties = {};
        row.concurrencyStamp.clear();
        row.creationTime = now;
        row.creatorId = m_user.userId;
        row.lastModificationTime = {};
        row.lastModifierId.reset();
    }
    row.isEnabled = edit.enabled;
    row.clientId = edit.clientId.trimmed();
    row.enabledScopes = orderedScopes(provider, edit.enabledScopes);
    row.redirectPort = edit.redirectPort;
    const ProviderEndpoints e = trimmed(edit.endpointOverrides);
    row.authorizeEndpoint = e.authorize;
    row.tokenEndpoint = e.token;
    row.revocationEndpoint = e.revocation;
    row.profileEndpoint = e.profile;
    row.issuer = e.issuer;
    if (!typedSecret.isEmpty()) {
        // DESIGN §8: client secrets are protected like tokens (same key ring, same purposes).
        auto secret = m_protector.protect(typedSecret);
        if (!secret)
            return secret.error();
        row.protectedClientSecret = secret.value();
    }
    return row;
}

// One transaction (DESIGN §6): the row and its audit entry commit together or not at all.
Result<void> ProviderConfigService::store(Db::ProviderConfig &row, bool isNew,
                                          const QStringList &changedFields)
{
    Db::Transaction transaction(m_db);
    if (Result<void> begun = transaction.begin(); !begun)
        return begun;
    if (Result<void> stored = Db::ProviderConfigRepository(m_db).upsert(row); !stored)
        return stored;
    const auto type = isNew ? Db::EntityChangeType::Created : Db::EntityChangeType::Updated;
    if (Result<void> audited = writeAudit(row, type, changedFields, m_clock.nowUtc()); !audited)
        return audited;
    return transaction.commit();
}

Result<ProviderSettings> ProviderConfigService::useHostDefault(const QString &providerKey,
                                                               const QString &shownStamp)
{
    if (Result<void> allowed = requirePermission(); !allowed)
        return allowed.error();
    auto found = provider(providerKey);
    if (!found)
        return found.error();
    const ProviderDescriptor &p = *found.value();
    if (!m_user.tenantId) {
        return makeError(ErrorCode::InvalidConfiguration,
                         tr("On the host these settings are the host default; there is nothing "
                            "to fall back to."),
                         QStringLiteral("provider-config: host has no default to fall back to"));
    }
    auto rows = readRows(providerKey);
    if (!rows)
        return rows.error();
    const std::optional<Db::ProviderConfig> &own = rows.value().own;
    if (!own || own->concurrencyStamp != shownStamp)
        return changedElsewhere(p, QStringLiteral("provider-config: override changed or gone"));

    const QStringList fields =
        changedFields(*own, rows.value().host.value_or(Db::ProviderConfig{}));
    Db::Transaction transaction(m_db);
    Result<void> done = transaction.begin();
    if (done)
        done = Db::ProviderConfigRepository(m_db).remove(own->id, shownStamp);
    if (done)
        done = writeAudit(*own, Db::EntityChangeType::Deleted, fields, m_clock.nowUtc());
    if (done)
        done = transaction.commit();
    if (!done)
        return explain(p, done.error());
    qCInfo(lcProviders).noquote() << "removed the tenant's configuration of" << p.key;
    emit configurationChanged(p.key);
    return settings(p.key);
}

// One AbpAuditLogs + AbpAuditLogActions + AbpEntityChanges row, as the connection flows write
// them. The parameters name the provider and the changed fields, never a value: the secret and
// its protected form stay out of the audit log altogether.
Result<void> ProviderConfigService::writeAudit(const Db::ProviderConfig &row,
                                               Db::EntityChangeType changeType,
                                               const QStringList &changedFields,
                                               const QDateTime &now)
{
    const QJsonObject parameters{
        {QStringLiteral("providerKey"), row.providerKey},
        {QStringLiteral("configuration"),
         row.tenantId ? QStringLiteral("TenantOverride") : QStringLiteral("HostDefault")},
        {QStringLiteral("changedFields"), QJsonArray::fromStringList(changedFields)}};
    Db::AuditEntry entry =
        actionAudit(m_user, Contract::kProviderAuditServiceName,
                    Contract::kActionProviderConfigurationChanged, parameters, now);
    entry.entityId = Ids::text(row.id);
    entry.entityTypeFullName = Contract::kProviderConfigurationEntityType;
    entry.changeType = changeType;
    return Db::AuditWriter(m_db).write(entry);
}

Error ProviderConfigService::changedElsewhere(const ProviderDescriptor &provider,
                                              const QString &detail) const
{
    return makeError(ErrorCode::ConcurrencyConflict,
                     tr("The %1 settings were changed elsewhere and have been reloaded; nothing "
                        "was saved. Check them and try again.")
                         .arg(provider.displayName),
                     detail);
}

// A race the database decided (the row's stamp, the unique index) in the admin's words, and a
// lost connection said as such.
Error ProviderConfigService::explain(const ProviderDescriptor &provider, const Error &error) const
{
    const Error explained = m_db.explainFailure(error);
    qCInfo(lcProviders) << "Provider configuration not stored:" << errorCodeName(explained.code);
    if (explained.code == ErrorCode::ConcurrencyConflict)
        return changedElsewhere(provider, explained.detail);
    return explained;
}

Result<void> ProviderConfigService::testConfiguration(const ProviderEdit &edit)
{
    if (Result<void> allowed = requirePermission(); !allowed)
        return allowed;
    auto found = provider(edit.providerKey);
    if (!found)
        return found.error();
    if (m_check) {
        disconnect(m_check, nullptr, this, nullptr);
        m_check->deleteLater(); // its replies are aborted with it
    }
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    const QString key = edit.providerKey;
    auto *check = new ProviderConfigCheck(m_network, m_checkTimeout, this);
    m_check = check;
    connect(check, &ProviderConfigCheck::finished, this,
            [this, check, key](const QList<ConfigCheck> &checks) {
                check->deleteLater();
                emit testFinished(key, checks);
            });
    check->start(withOverrides(*found.value(), trimmed(edit.endpointOverrides)));
    return {};
}

bool ProviderConfigService::isTesting() const
{
    return m_check && m_check->isRunning();
}

} // namespace EasyCrm
