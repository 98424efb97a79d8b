// Settings — Social Integration — Providers in the core: what applies to the acting tenant
// (its own row, else the host default), saving the acting tenant's row with the client secret
// protected like a token, "Use host default", optimistic concurrency, every validation error,
// the permission, and the audit entry written in the same transaction. On the embedded SQLite
// database; under tests/db/with-postgres.sh on a CRM server's PostgreSQL database.
#include "core/crypto/dataprotector.h"
#include "core/db/database.h"
#include "core/db/entities.h"
#include "core/db/providerconfigrepository.h"
#include "core/service/connectionservice.h"
#include "core/service/crmcontract.h"
#include "core/service/providerconfigservice.h"
#include "core/service/workspace.h"
#include "tests/support/logcapture.h"
#include "tests/support/postgrescrm.h"
#include "tests/support/postgrescrmsignin.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;

Q_DECLARE_METATYPE(EasyCrm::ProviderField)

namespace {

const QString kLinkedIn = QStringLiteral("linkedin");
const QByteArray kSecret = QByteArrayLiteral("typed-client-secret-7f3a9c");
const QByteArray kOtherSecret = QByteArrayLiteral("replacement-secret-41be02");
const QStringList kAuditTables = {
    QStringLiteral("AbpAuditLogs"), QStringLiteral("AbpAuditLogActions"),
    QStringLiteral("AbpEntityChanges"), QStringLiteral("AbpEntityPropertyChanges")};

QList<QVariantMap> rowsOf(Db::Database &db, const QString &table, const QString &where = {})
{
    QSqlQuery query(db.handle());
    QList<QVariantMap> rows;
    const QString sql = u"SELECT * FROM \""_qs + table + u"\""_qs +
                        (where.isEmpty() ? QString() : u" WHERE "_qs + where);
    if (!query.exec(sql))
        return rows;
    while (query.next()) {
        QVariantMap row;
        const QSqlRecord record = query.record();
        for (int i = 0; i < record.count(); ++i)
            row.insert(record.fieldName(i), record.value(i));
        rows << row;
    }
    return rows;
}

int count(Db::Database &db, const QString &table, const QString &where = {})
{
    return static_cast<int>(rowsOf(db, table, where).size());
}

QString allText(const QList<QVariantMap> &rows)
{
    QStringList values;
    for (const QVariantMap &row : rows) {
        for (const QVariant &value : row)
            values << value.toString();
    }
    return values.join(u'\n');
}

QStringList changedFieldsOf(const QVariantMap &action)
{
    const QJsonObject parameters =
        QJsonDocument::fromJson(action.value(u"Parameters"_qs).toString().toUtf8()).object();
    QStringList fields;
    for (const QJsonValue &field : parameters.value(u"changedFields").toArray())
        fields << field.toString();
    return fields;
}

} // namespace

class TestProviderConfigService final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void listsEveryCatalogueProviderWithItsFacts();
    void hostUserEditsTheHostDefault();
    void tenantSeesTheHostDefaultUntilItSavesItsOwn();
    void tenantOverrideIsCreatedFromTheHostDefault();
    void useHostDefaultRemovesTheOverride();
    void useHostDefaultWithoutAHostDefaultLeavesItUnconfigured();
    void useHostDefaultIsForTenantsOnly();
    void secretIsStoredOnlyProtected();
    void emptySecretKeepsTheSavedOne();
    void typedSecretReplacesTheSavedOne();
    void staleEditorIsRefused_data();
    void staleEditorIsRefused();
    void staleUseHostDefaultIsRefused();
    void validationErrorNamesTheField_data();
    void validationErrorNamesTheField();
    void acceptedAddressesAndPorts_data();
    void acceptedAddressesAndPorts();
    void unknownProviderIsRefused();
    void everythingIsRefusedWithoutThePermission_data();
    void everythingIsRefusedWithoutThePermission();
    void auditEntryNamesTheProviderAndTheChangedFields();
    void unchangedSaveWritesNothing();
    void failedAuditLeavesNoRow();
    void savedConfigurationEnablesConnect();

private:
    [[nodiscard]] Result<std::unique_ptr<Workspace>> openWorkspace();
    std::unique_ptr<ProviderConfigService> makeService(const std::optional<QUuid> &tenantId,
                                                       bool mayManage = true);
    // An edit of what `service` shows now for `key`.
    ProviderEdit editOf(ProviderConfigService &service, const QString &key);
    ProviderEdit enabledLinkedIn(ProviderConfigService &service, const QByteArray &secret);
    Db::Database &db() { return m_workspace->database(); }
    std::optional<Db::ProviderConfig> stored(const std::optional<QUuid> &tenantId,
                                             const QString &key = kLinkedIn);
    void verifySecretAbsentFromAuditAndLogs(const QByteArray &secret,
                                            const QString &protectedValue);

    std::unique_ptr<LogCapture> m_logs;
    QTemporaryDir m_dir;
    // Now, to the second: a CRM server's seeded key ring is active from its creation on.
    ManualClock m_clock{QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC)};
    int m_run = 0;
    std::optional<PostgresCrm> m_crm;
    std::unique_ptr<Workspace> m_workspace;
    const QUuid m_tenant = QUuid::createUuid(); // a tenant with no rows of its own yet
};

void TestProviderConfigService::initTestCase()
{
    m_logs = std::make_unique<LogCapture>();
    QVERIFY(m_dir.isValid());
}

Result<std::unique_ptr<Workspace>> TestProviderConfigService::openWorkspace()
{
    ++m_run;
    if (!postgresAvailable())
        return Workspace::openEmbedded(m_dir.filePath(QStringLiteral("crm-%1.sqlite").arg(m_run)),
                                       m_clock);
    auto crm = createPostgresCrm(QStringLiteral("providerconfig_%1").arg(m_run));
    if (!crm)
        return crm.error();
    m_crm = crm.value();
    return Workspace::openProduction(m_crm->settings, m_clock, fixtureCredentials(*m_crm));
}

void TestProviderConfigService::init()
{
    auto workspace = openWorkspace();
    QVERIFY2(workspace.ok(), qPrintable(workspace.ok() ? QString() : workspace.error().detail));
    m_workspace = std::move(workspace).value();
}

void TestProviderConfigService::cleanup()
{
    m_workspace.reset();
    if (m_crm)
        QVERIFY(dropPostgresCrm(*m_crm).ok());
    m_crm.reset();
}

std::unique_ptr<ProviderConfigService>
TestProviderConfigService::makeService(const std::optional<QUuid> &tenantId, bool mayManage)
{
    SessionUser user;
    user.tenantId = tenantId;
    user.tenantName = tenantId ? QStringLiteral("Acme") : QString();
    user.userId = QUuid::createUuid();
    user.userName = tenantId ? QStringLiteral("acme-admin") : QStringLiteral("host-admin");
    if (mayManage)
        user.permissions = {Contract::kPermissionManageProviders};
    return std::make_unique<ProviderConfigService>(db(), m_workspace->protector(),
                                                   ProviderCatalogue::builtIn(), user, m_clock);
}

ProviderEdit TestProviderConfigService::editOf(ProviderConfigService &service, const QString &key)
{
    const Result<ProviderSettings> shown = service.settings(key);
    [&] {
        QVERIFY2(shown.ok(), qPrintable(shown.ok() ? QString() : shown.error().detail));
    }();
    ProviderEdit edit;
    if (!shown)
        return edit;
    const ProviderSettings &s = shown.value();
    edit.providerKey = key;
    edit.shownOrigin = s.origin;
    edit.shownStamp = s.concurrencyStamp;
    edit.enabled = s.enabled;
    edit.clientId = s.clientId;
    edit.enabledScopes = s.enabledScopes;
    edit.redirectPort = s.redirectPort;
    edit.endpointOverrides = s.endpointOverrides;
    return edit;
}

ProviderEdit TestProviderConfigService::enabledLinkedIn(ProviderConfigService &service,
                                                        const QByteArray &secret)
{
    ProviderEdit edit = editOf(service, kLinkedIn);
    edit.enabled = true;
    edit.clientId = QStringLiteral("  78abc-linkedin-client  ");
    edit.clientSecret = secret;
    edit.enabledScopes << QStringLiteral("w_member_social");
    return edit;
}

std::optional<Db::ProviderConfig>
TestProviderConfigService::stored(const std::optional<QUuid> &tenantId, const QString &key)
{
    auto found = Db::ProviderConfigRepository(db()).find(tenantId, key);
    return found ? found.value() : std::nullopt;
}

void TestProviderConfigService::verifySecretAbsentFromAuditAndLogs(const QByteArray &secret,
                                                                   const QString &protectedValue)
{
    for (const QString &table : kAuditTables) {
        const QString text = allText(rowsOf(db(), table));
        QVERIFY2(!text.contains(QString::fromUtf8(secret)), qPrintable(table));
        QVERIFY2(!protectedValue.isEmpty() && !text.contains(protectedValue), qPrintable(table));
        QVERIFY2(!text.contains(u"CfDJ8"), qPrintable(table));
    }
    const QString logs = m_logs->lines().join(u'\n');
    QVERIFY(!logs.contains(QString::fromUtf8(secret)));
    QVERIFY(!logs.contains(protectedValue));
}

void TestProviderConfigService::listsEveryCatalogueProviderWithItsFacts()
{
    auto host = makeService(std::nullopt);
    const auto listed = host->list();
    QVERIFY(listed.ok());
    QCOMPARE(listed.value().size(), ProviderCatalogue::builtIn().providers().size());
    for (const ProviderSettings &s : listed.value()) {
        QCOMPARE(s.origin, ConfigOrigin::NotConfigured);
        QVERIFY(s.actingOnHost);
        QVERIFY(!s.isConfigured());
        QVERIFY(!s.hasClientSecret);
        QVERIFY(s.concurrencyStamp.isEmpty());
    }
    const ProviderSettings linkedin = host->settings(kLinkedIn).value();
    QCOMPARE(linkedin.providerName, QStringLiteral("LinkedIn"));
    QCOMPARE(linkedin.protocol, ProviderProtocol::Oidc);
    QCOMPARE(linkedin.portRule, RedirectPortRule::Any);
    QCOMPARE(linkedin.enabledScopes,
             (QStringList{u"openid"_qs, u"profile"_qs, u"email"_qs})); // the defaults
    QCOMPARE(linkedin.scopes.size(), 7);
    QCOMPARE(linkedin.scopes.first().name, QStringLiteral("openid"));
    QVERIFY(linkedin.scopes.first().isDefault);
    const auto organization = std::find_if(
        linkedin.scopes.cbegin(), linkedin.scopes.cend(),
        [](const ScopeOption &scope) { return scope.name == u"r_organization_social"; });
    QVERIFY(organization != linkedin.scopes.cend());
    QVERIFY(organization->approvalOnly && !organization->isDefault);
    QCOMPARE(linkedin.catalogueEndpoints.token,
             QStringLiteral("https://www.linkedin.com/oauth/v2/accessToken"));
    QCOMPARE(linkedin.catalogueEndpoints.issuer, QStringLiteral("https://www.linkedin.com/oauth"));
    const ProviderSettings x = host->settings(QStringLiteral("x")).value();
    QCOMPARE(x.portRule, RedirectPortRule::Fixed);
    QCOMPARE(x.protocol, ProviderProtocol::OAuth2);
}

void TestProviderConfigService::hostUserEditsTheHostDefault()
{
    auto host = makeService(std::nullopt);
    QSignalSpy changed(host.get(), &ProviderConfigService::configurationChanged);
    const auto saved = host->save(enabledLinkedIn(*host, kSecret));
    QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().first().toString(), kLinkedIn);
    QCOMPARE(saved.value().origin, ConfigOrigin::HostDefault);
    QVERIFY(saved.value().isConfigured());
    QVERIFY(saved.value().hasClientSecret);
    QCOMPARE(saved.value().clientId, QStringLiteral("78abc-linkedin-client")); // trimmed
    QCOMPARE(saved.value().enabledScopes,
             (QStringList{u"openid"_qs, u"profile"_qs, u"email"_qs, u"w_member_social"_qs}));

    const auto row = stored(std::nullopt);
    QVERIFY(row);
    QVERIFY(!row->tenantId);
    QCOMPARE(row->creatorId, std::optional<QUuid>(host->user().userId));
    QCOMPARE(row->creationTime, m_clock.nowUtc());
    QCOMPARE(count(db(), u"SocialCrmProviderConfigurations"_qs, u"\"TenantId\" IS NULL"_qs), 1);
}

void TestProviderConfigService::tenantSeesTheHostDefaultUntilItSavesItsOwn()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    auto tenant = makeService(m_tenant);
    const ProviderSettings shown = tenant->settings(kLinkedIn).value();
    QCOMPARE(shown.origin, ConfigOrigin::HostDefault);
    QVERIFY(!shown.actingOnHost);
    QVERIFY(shown.hostDefaultExists);
    QVERIFY(!shown.canUseHostDefault());
    QVERIFY(shown.isConfigured());
    QVERIFY(shown.hasClientSecret);
    QCOMPARE(shown.concurrencyStamp, stored(std::nullopt)->concurrencyStamp);
    // Another tenant's override is not this one's business.
    auto other = makeService(QUuid::createUuid());
    ProviderEdit edit = editOf(*other, kLinkedIn);
    edit.clientId = QStringLiteral("other-tenant-client");
    QVERIFY(other->save(edit).ok());
    QCOMPARE(tenant->settings(kLinkedIn).value().clientId, QStringLiteral("78abc-linkedin-client"));
}

void TestProviderConfigService::tenantOverrideIsCreatedFromTheHostDefault()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    const Db::ProviderConfig hostRow = *stored(std::nullopt);
    auto tenant = makeService(m_tenant);
    ProviderEdit edit = editOf(*tenant, kLinkedIn);
    edit.clientId = QStringLiteral("acme-own-client");
    const auto saved = tenant->save(edit);
    QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
    QCOMPARE(saved.value().origin, ConfigOrigin::TenantOverride);
    QVERIFY(saved.value().canUseHostDefault());

    const auto own = stored(m_tenant);
    QVERIFY(own);
    QVERIFY(own->id != hostRow.id);
    QCOMPARE(own->tenantId, std::optional<QUuid>(m_tenant));
    QCOMPARE(own->clientId, QStringLiteral("acme-own-client"));
    // Everything not edited comes from the host default, its saved secret included.
    QCOMPARE(own->isEnabled, true);
    QCOMPARE(own->enabledScopes, hostRow.enabledScopes);
    QCOMPARE(own->protectedClientSecret, hostRow.protectedClientSecret);
    QCOMPARE(m_workspace->protector().unprotect(own->protectedClientSecret).value(), kSecret);
    // The host default is untouched; the tenant's row is what applies to it now.
    QCOMPARE(stored(std::nullopt)->concurrencyStamp, hostRow.concurrencyStamp);
    const auto effective = Db::ProviderConfigRepository(db()).findEffective(m_tenant, kLinkedIn);
    QCOMPARE(effective.value()->id, own->id);
}

void TestProviderConfigService::useHostDefaultRemovesTheOverride()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    auto tenant = makeService(m_tenant);
    ProviderEdit edit = editOf(*tenant, kLinkedIn);
    edit.clientId = QStringLiteral("acme-own-client");
    const ProviderSettings overridden = tenant->save(edit).value();
    const QUuid overrideId = stored(m_tenant)->id;

    QSignalSpy changed(tenant.get(), &ProviderConfigService::configurationChanged);
    const auto back = tenant->useHostDefault(kLinkedIn, overridden.concurrencyStamp);
    QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(back.value().origin, ConfigOrigin::HostDefault);
    QCOMPARE(back.value().clientId, QStringLiteral("78abc-linkedin-client"));
    QVERIFY(!stored(m_tenant));
    QVERIFY(stored(std::nullopt));

    const auto removal = rowsOf(db(), u"AbpEntityChanges"_qs,
                                u"\"EntityId\" = '"_qs + overrideId.toString(QUuid::WithoutBraces) +
                                    u"' AND \"ChangeType\" = 2"_qs);
    QCOMPARE(removal.size(), 1);
    const auto actions = rowsOf(db(), u"AbpAuditLogActions"_qs,
                                u"\"AuditLogId\" = '"_qs +
                                    removal.first().value(u"AuditLogId"_qs).toString() + u"'"_qs);
    QCOMPARE(actions.size(), 1);
    QCOMPARE(changedFieldsOf(actions.first()), QStringList{u"ClientId"_qs});
}

void TestProviderConfigService::useHostDefaultWithoutAHostDefaultLeavesItUnconfigured()
{
    auto tenant = makeService(m_tenant);
    const ProviderSettings own = tenant->save(enabledLinkedIn(*tenant, kSecret)).value();
    QCOMPARE(own.origin, ConfigOrigin::TenantOverride);
    QVERIFY(!own.hostDefaultExists);
    const auto back = tenant->useHostDefault(kLinkedIn, own.concurrencyStamp);
    QVERIFY(back.ok());
    QCOMPARE(back.value().origin, ConfigOrigin::NotConfigured);
    QVERIFY(!back.value().isConfigured());
    QVERIFY(!stored(m_tenant));
    QVERIFY(!stored(std::nullopt));
}

void TestProviderConfigService::useHostDefaultIsForTenantsOnly()
{
    auto host = makeService(std::nullopt);
    const ProviderSettings saved = host->save(enabledLinkedIn(*host, kSecret)).value();
    const auto refused = host->useHostDefault(kLinkedIn, saved.concurrencyStamp);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::InvalidConfiguration);
    QVERIFY(stored(std::nullopt));
}

void TestProviderConfigService::secretIsStoredOnlyProtected()
{
    auto host = makeService(std::nullopt);
    const auto saved = host->save(enabledLinkedIn(*host, kSecret));
    QVERIFY(saved.ok());
    const QString protectedValue = stored(std::nullopt)->protectedClientSecret;
    QVERIFY2(protectedValue.startsWith(u"CfDJ8"), qPrintable(protectedValue.left(8)));
    QVERIFY(!protectedValue.contains(QString::fromUtf8(kSecret)));
    // Exactly as tokens are protected: the workspace's protector reads it back.
    const auto unprotected = m_workspace->protector().unprotect(protectedValue);
    QVERIFY(unprotected.ok());
    QCOMPARE(unprotected.value(), kSecret);
    // Nothing in the table holds the typed text.
    const QString table = allText(rowsOf(db(), u"SocialCrmProviderConfigurations"_qs));
    QVERIFY(!table.contains(QString::fromUtf8(kSecret)));
    verifySecretAbsentFromAuditAndLogs(kSecret, protectedValue);
}

void TestProviderConfigService::emptySecretKeepsTheSavedOne()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    const QString before = stored(std::nullopt)->protectedClientSecret;
    ProviderEdit edit = editOf(*host, kLinkedIn);
    edit.clientId = QStringLiteral("renamed-client");
    QVERIFY(edit.clientSecret.isEmpty());
    QVERIFY(host->save(edit).ok());
    QCOMPARE(stored(std::nullopt)->protectedClientSecret, before);
    QVERIFY(host->settings(kLinkedIn).value().hasClientSecret);
    const auto actions = rowsOf(db(), u"AbpAuditLogActions"_qs);
    QCOMPARE(actions.size(), 2);
    const auto naming = [&actions](const QStringList &fields) {
        return std::count_if(actions.cbegin(), actions.cend(),
                             [&fields](const auto &a) { return changedFieldsOf(a) == fields; });
    };
    QCOMPARE(naming({u"ClientId"_qs}), 1); // the second save did not touch the secret
}

void TestProviderConfigService::typedSecretReplacesTheSavedOne()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    ProviderEdit edit = editOf(*host, kLinkedIn);
    edit.clientSecret = kOtherSecret;
    QVERIFY(host->save(edit).ok());
    const QString protectedValue = stored(std::nullopt)->protectedClientSecret;
    QCOMPARE(m_workspace->protector().unprotect(protectedValue).value(), kOtherSecret);
    const auto actions = rowsOf(db(), u"AbpAuditLogActions"_qs);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(std::count_if(actions.cbegin(), actions.cend(),
                           [](const auto &a) {
                               return changedFieldsOf(a) == QStringList{u"ClientSecret"_qs};
                           }),
             1);
    verifySecretAbsentFromAuditAndLogs(kOtherSecret, protectedValue);
    verifySecretAbsentFromAuditAndLogs(kSecret, protectedValue);
}

void TestProviderConfigService::staleEditorIsRefused_data()
{
    QTest::addColumn<bool>("tenantUser");
    QTest::addColumn<QString>("elsewhere");
    // Both admins edit the same row; the other one saved first.
    QTest::newRow("row-changed") << false << u"save-same-row"_qs;
    // The editor showed the host default; another admin of the tenant created its own row.
    QTest::newRow("override-appeared") << true << u"create-override"_qs;
    // The editor showed the host default, which another admin changed meanwhile.
    QTest::newRow("host-default-changed") << true << u"change-host-default"_qs;
    // The editor showed the tenant's own row, which another admin removed.
    QTest::newRow("override-removed") << true << u"remove-override"_qs;
}

void TestProviderConfigService::staleEditorIsRefused()
{
    QFETCH(bool, tenantUser);
    QFETCH(QString, elsewhere);
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    auto mine = makeService(tenantUser ? std::optional(m_tenant) : std::nullopt);
    auto theirs = makeService(tenantUser ? std::optional(m_tenant) : std::nullopt);
    if (elsewhere == u"remove-override")
        QVERIFY(theirs->save(editOf(*theirs, kLinkedIn)).ok());
    ProviderEdit shown = editOf(*mine, kLinkedIn);

    if (elsewhere == u"remove-override") {
        QVERIFY(theirs->useHostDefault(kLinkedIn, shown.shownStamp).ok());
    } else {
        ProviderConfigService &other = elsewhere == u"change-host-default" ? *host : *theirs;
        ProviderEdit edit = editOf(other, kLinkedIn);
        edit.clientId = QStringLiteral("saved-elsewhere");
        QVERIFY(other.save(edit).ok());
    }
    const int audits = count(db(), u"AbpAuditLogs"_qs);

    shown.clientId = QStringLiteral("mine");
    shown.clientSecret = kOtherSecret;
    const auto refused = mine->save(shown);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::ConcurrencyConflict);
    QCOMPARE(refused.error().message,
             QStringLiteral("The LinkedIn settings were changed elsewhere and have been "
                            "reloaded; nothing was saved. Check them and try again."));
    QCOMPARE(count(db(), u"AbpAuditLogs"_qs), audits);
    const QString all = allText(rowsOf(db(), u"SocialCrmProviderConfigurations"_qs));
    QVERIFY(!all.contains(u"mine"_qs));
    for (const std::optional<QUuid> &tenant : {std::optional<QUuid>(), std::optional(m_tenant)}) {
        if (const auto row = stored(tenant)) {
            const auto secret = m_workspace->protector().unprotect(row->protectedClientSecret);
            QCOMPARE(secret.value(), kSecret);
        }
    }
}

void TestProviderConfigService::staleUseHostDefaultIsRefused()
{
    auto tenant = makeService(m_tenant);
    const ProviderSettings first = tenant->save(enabledLinkedIn(*tenant, kSecret)).value();
    ProviderEdit edit = editOf(*tenant, kLinkedIn);
    edit.clientId = QStringLiteral("changed-meanwhile");
    QVERIFY(tenant->save(edit).ok());
    const auto refused = tenant->useHostDefault(kLinkedIn, first.concurrencyStamp);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::ConcurrencyConflict);
    QCOMPARE(stored(m_tenant)->clientId, QStringLiteral("changed-meanwhile"));
}

void TestProviderConfigService::validationErrorNamesTheField_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("value");
    QTest::addColumn<ProviderField>("field");
    QTest::addColumn<QString>("message");
    const auto endpointMessage = [](const char *name) -> QString {
        return u"Enter the "_qs + QString::fromLatin1(name) +
               u" as an absolute https address (http only for 127.0.0.1 or localhost), or "
               u"leave it empty."_qs;
    };
    QTest::newRow("client-id-missing-to-enable")
        << kLinkedIn << u"clientId"_qs << u"   "_qs << ProviderField::ClientId
        << u"Enter the client ID to enable LinkedIn."_qs;
    QTest::newRow("client-id-too-long")
        << kLinkedIn << u"clientId"_qs << QString(257, u'c') << ProviderField::ClientId
        << u"The client ID is at most 256 characters long."_qs;
    QTest::newRow("scope-not-in-catalogue")
        << kLinkedIn << u"addScope"_qs << u"r_fullprofile"_qs << ProviderField::Scopes
        << u"LinkedIn does not offer the scope \"r_fullprofile\". Choose scopes from the list."_qs;
    QTest::newRow("scope-of-another-provider")
        << kLinkedIn << u"addScope"_qs << u"tweet.read"_qs << ProviderField::Scopes
        << u"LinkedIn does not offer the scope \"tweet.read\". Choose scopes from the list."_qs;
    QTest::newRow("default-scope-dropped")
        << kLinkedIn << u"dropScope"_qs << u"openid"_qs << ProviderField::Scopes
        << u"The scope \"openid\" is always requested from LinkedIn and cannot be turned off."_qs;
    const QString fixedPort =
        u"X accepts only the redirect port registered with it. Enter that port (1024–65535)."_qs;
    QTest::newRow("fixed-port-missing")
        << u"x"_qs << u"port"_qs << u"0"_qs << ProviderField::RedirectPort << fixedPort;
    QTest::newRow("fixed-port-system-range")
        << u"x"_qs << u"port"_qs << u"80"_qs << ProviderField::RedirectPort << fixedPort;
    QTest::newRow("fixed-port-1023")
        << u"x"_qs << u"port"_qs << u"1023"_qs << ProviderField::RedirectPort << fixedPort;
    QTest::newRow("fixed-port-too-high")
        << u"x"_qs << u"port"_qs << u"65536"_qs << ProviderField::RedirectPort << fixedPort;
    QTest::newRow("pinned-port-out-of-range")
        << kLinkedIn << u"port"_qs << u"443"_qs << ProviderField::RedirectPort
        << u"Enter a fixed redirect port from 1024 to 65535, or choose any loopback port."_qs;
    QTest::newRow("endpoint-http-remote")
        << kLinkedIn << u"token"_qs << u"http://idp.example/token"_qs
        << ProviderField::TokenEndpoint << endpointMessage("token endpoint");
    QTest::newRow("endpoint-relative")
        << kLinkedIn << u"authorize"_qs << u"/oauth/authorize"_qs
        << ProviderField::AuthorizeEndpoint << endpointMessage("authorization endpoint");
    QTest::newRow("endpoint-not-an-address")
        << kLinkedIn << u"profile"_qs << u"not an address"_qs << ProviderField::ProfileEndpoint
        << endpointMessage("profile endpoint");
    QTest::newRow("endpoint-other-scheme")
        << kLinkedIn << u"revocation"_qs << u"ftp://idp.example/revoke"_qs
        << ProviderField::RevocationEndpoint << endpointMessage("revocation endpoint");
    QTest::newRow("endpoint-with-fragment")
        << kLinkedIn << u"token"_qs << u"https://idp.example/token#frag"_qs
        << ProviderField::TokenEndpoint << endpointMessage("token endpoint");
    QTest::newRow("endpoint-with-credentials")
        << kLinkedIn << u"token"_qs << u"https://user:pw@idp.example/token"_qs
        << ProviderField::TokenEndpoint << endpointMessage("token endpoint");
    QTest::newRow("http-on-another-loopback-name")
        << kLinkedIn << u"token"_qs << u"http://127.0.0.2/token"_qs << ProviderField::TokenEndpoint
        << endpointMessage("token endpoint");
    QTest::newRow("issuer-http-remote") << kLinkedIn << u"issuer"_qs << u"http://idp.example"_qs
                                        << ProviderField::Issuer << endpointMessage("issuer");
    QTest::newRow("endpoint-too-long")
        << kLinkedIn << u"token"_qs << (u"https://idp.example/"_qs + QString(2040, u'a'))
        << ProviderField::TokenEndpoint << u"An address is at most 2048 characters long."_qs;
}

void TestProviderConfigService::validationErrorNamesTheField()
{
    QFETCH(QString, provider);
    QFETCH(QString, change);
    QFETCH(QString, value);
    QFETCH(ProviderField, field);
    QFETCH(QString, message);
    auto host = makeService(std::nullopt);
    ProviderEdit edit = editOf(*host, provider);
    edit.enabled = true;
    edit.clientId = QStringLiteral("client");
    edit.redirectPort = provider == u"x" ? 8765 : 0;
    edit.clientSecret = kSecret;
    if (change == u"clientId")
        edit.clientId = value;
    else if (change == u"addScope")
        edit.enabledScopes << value;
    else if (change == u"dropScope")
        edit.enabledScopes.removeAll(value);
    else if (change == u"port")
        edit.redirectPort = value.toInt();
    else if (change == u"token")
        edit.endpointOverrides.token = value;
    else if (change == u"authorize")
        edit.endpointOverrides.authorize = value;
    else if (change == u"profile")
        edit.endpointOverrides.profile = value;
    else if (change == u"revocation")
        edit.endpointOverrides.revocation = value;
    else if (change == u"issuer")
        edit.endpointOverrides.issuer = value;

    const auto problems = host->validate(edit);
    QVERIFY(problems.ok());
    QCOMPARE(problems.value().size(), 1);
    QCOMPARE(problems.value().first().field, field);
    QCOMPARE(problems.value().first().message, message);
    const auto refused = host->save(edit);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, ErrorCode::InvalidConfiguration);
    QCOMPARE(refused.error().message, message);
    QCOMPARE(count(db(), u"SocialCrmProviderConfigurations"_qs, u"\"TenantId\" IS NULL"_qs), 0);
    QCOMPARE(count(db(), u"AbpAuditLogs"_qs), 0);
    QVERIFY(!m_logs->lines().join(u'\n').contains(QString::fromUtf8(kSecret)));
}

void TestProviderConfigService::acceptedAddressesAndPorts_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("token");
    QTest::newRow("https") << kLinkedIn << 0 << u"https://idp.example/oauth/token"_qs;
    QTest::newRow("http-127.0.0.1") << kLinkedIn << 0 << u"http://127.0.0.1:9000/token"_qs;
    QTest::newRow("http-localhost") << kLinkedIn << 0 << u"http://localhost/token"_qs;
    QTest::newRow("surrounding-spaces") << kLinkedIn << 0 << u"  https://idp.example/t  "_qs;
    QTest::newRow("fixed-port-1024") << u"x"_qs << 1024 << QString();
    QTest::newRow("fixed-port-65535") << u"x"_qs << 65535 << QString();
    QTest::newRow("pinned-port-on-any-provider") << kLinkedIn << 8765 << QString();
}

void TestProviderConfigService::acceptedAddressesAndPorts()
{
    QFETCH(QString, provider);
    QFETCH(int, port);
    QFETCH(QString, token);
    auto host = makeService(std::nullopt);
    ProviderEdit edit = editOf(*host, provider);
    edit.enabled = true;
    edit.clientId = QStringLiteral("client");
    edit.redirectPort = port;
    edit.endpointOverrides.token = token;
    const auto saved = host->save(edit);
    QVERIFY2(saved.ok(), qPrintable(saved.ok() ? QString() : saved.error().message));
    QCOMPARE(saved.value().redirectPort, port);
    QCOMPARE(saved.value().endpointOverrides.token, token.trimmed());
}

void TestProviderConfigService::unknownProviderIsRefused()
{
    auto host = makeService(std::nullopt);
    ProviderEdit edit;
    edit.providerKey = QStringLiteral("myspace");
    edit.clientId = QStringLiteral("client");
    QCOMPARE(host->save(edit).error().code, ErrorCode::ProviderUnknown);
    QCOMPARE(host->settings(edit.providerKey).error().code, ErrorCode::ProviderUnknown);
    QCOMPARE(host->testConfiguration(edit).error().code, ErrorCode::ProviderUnknown);
    QCOMPARE(count(db(), u"SocialCrmProviderConfigurations"_qs, u"\"ProviderKey\" = 'myspace'"_qs),
             0);
}

void TestProviderConfigService::everythingIsRefusedWithoutThePermission_data()
{
    QTest::addColumn<bool>("tenantUser");
    QTest::newRow("host-user") << false;
    QTest::newRow("tenant-user") << true;
}

void TestProviderConfigService::everythingIsRefusedWithoutThePermission()
{
    QFETCH(bool, tenantUser);
    const std::optional<QUuid> tenantId = tenantUser ? std::optional(m_tenant) : std::nullopt;
    auto admin = makeService(tenantId);
    const ProviderSettings saved = admin->save(enabledLinkedIn(*admin, kSecret)).value();
    const int rows = count(db(), u"SocialCrmProviderConfigurations"_qs);
    const int audits = count(db(), u"AbpAuditLogs"_qs);

    // What the page would send, were it shown: the core refuses it all the same.
    auto user = makeService(tenantId, false);
    QVERIFY(!user->mayManage());
    ProviderEdit edit;
    edit.providerKey = kLinkedIn;
    edit.shownOrigin = saved.origin;
    edit.shownStamp = saved.concurrencyStamp;
    edit.clientId = QStringLiteral("taken-over");
    edit.enabledScopes = saved.enabledScopes;
    edit.clientSecret = kOtherSecret;
    QSignalSpy tested(user.get(), &ProviderConfigService::testFinished);
    QCOMPARE(user->list().error().code, ErrorCode::PermissionDenied);
    QCOMPARE(user->settings(kLinkedIn).error().code, ErrorCode::PermissionDenied);
    QCOMPARE(user->validate(edit).error().code, ErrorCode::PermissionDenied);
    const auto refused = user->save(edit);
    QCOMPARE(refused.error().code, ErrorCode::PermissionDenied);
    QCOMPARE(refused.error().message,
             QStringLiteral("You do not have the permission to configure providers. Ask your "
                            "administrator."));
    QCOMPARE(user->useHostDefault(kLinkedIn, saved.concurrencyStamp).error().code,
             ErrorCode::PermissionDenied);
    QCOMPARE(user->testConfiguration(edit).error().code, ErrorCode::PermissionDenied);
    QVERIFY(!user->isTesting());
    QTest::qWait(0);
    QCOMPARE(tested.size(), 0);

    QCOMPARE(count(db(), u"SocialCrmProviderConfigurations"_qs), rows);
    QCOMPARE(count(db(), u"AbpAuditLogs"_qs), audits);
    QCOMPARE(stored(tenantId)->clientId, QStringLiteral("78abc-linkedin-client"));
}

void TestProviderConfigService::auditEntryNamesTheProviderAndTheChangedFields()
{
    auto tenant = makeService(m_tenant);
    const ProviderSettings created = tenant->save(enabledLinkedIn(*tenant, kSecret)).value();
    ProviderEdit edit = editOf(*tenant, kLinkedIn);
    edit.enabled = false;
    edit.redirectPort = 8765;
    edit.endpointOverrides.token = QStringLiteral("https://idp.example/token");
    QVERIFY(tenant->save(edit).ok());
    const QString rowId = stored(m_tenant)->id.toString(QUuid::WithoutBraces);
    const QString tenantText = m_tenant.toString(QUuid::WithoutBraces);

    const auto logs = rowsOf(db(), u"AbpAuditLogs"_qs);
    const auto actions = rowsOf(db(), u"AbpAuditLogActions"_qs);
    const auto changes = rowsOf(db(), u"AbpEntityChanges"_qs);
    QCOMPARE(logs.size(), 2);
    QCOMPARE(actions.size(), 2);
    QCOMPARE(changes.size(), 2);
    QCOMPARE(count(db(), u"AbpEntityPropertyChanges"_qs), 0);
    for (int i = 0; i < 2; ++i) {
        const QString logId = logs.at(i).value(u"Id"_qs).toString();
        QCOMPARE(logs.at(i).value(u"UserName"_qs).toString(), QStringLiteral("acme-admin"));
        QCOMPARE(QUuid::fromString(logs.at(i).value(u"TenantId"_qs).toString()), m_tenant);
        QCOMPARE(logs.at(i).value(u"ClientName"_qs).toString(), Contract::kClientName);
        const auto action = std::find_if(actions.cbegin(), actions.cend(), [&](const auto &a) {
            return a.value(u"AuditLogId"_qs).toString() == logId;
        });
        QVERIFY(action != actions.cend());
        QCOMPARE(action->value(u"ServiceName"_qs).toString(), Contract::kProviderAuditServiceName);
        QCOMPARE(action->value(u"MethodName"_qs).toString(),
                 Contract::kActionProviderConfigurationChanged);
        const auto change = std::find_if(changes.cbegin(), changes.cend(), [&](const auto &c) {
            return c.value(u"AuditLogId"_qs).toString() == logId;
        });
        QVERIFY(change != changes.cend());
        QCOMPARE(change->value(u"EntityTypeFullName"_qs).toString(),
                 Contract::kProviderConfigurationEntityType);
        QCOMPARE(QUuid::fromString(change->value(u"EntityId"_qs).toString()),
                 QUuid::fromString(rowId));
        QCOMPARE(QUuid::fromString(change->value(u"EntityTenantId"_qs).toString()),
                 QUuid::fromString(tenantText));
    }
    const auto changeOf = [&](int type) {
        return std::count_if(changes.cbegin(), changes.cend(), [type](const auto &c) {
            return c.value(u"ChangeType"_qs).toInt() == type;
        });
    };
    QCOMPARE(changeOf(0), 1); // Created
    QCOMPARE(changeOf(1), 1); // Updated

    QStringList fieldSets;
    for (const auto &action : actions) {
        const QJsonObject parameters =
            QJsonDocument::fromJson(action.value(u"Parameters"_qs).toString().toUtf8()).object();
        QCOMPARE(parameters.value(u"providerKey").toString(), kLinkedIn);
        QCOMPARE(parameters.value(u"configuration").toString(), QStringLiteral("TenantOverride"));
        fieldSets << changedFieldsOf(action).join(u',');
    }
    fieldSets.sort();
    QCOMPARE(fieldSets, (QStringList{u"IsEnabled,ClientId,ClientSecret,EnabledScopes"_qs,
                                     u"IsEnabled,RedirectPort,TokenEndpoint"_qs}));
    Q_UNUSED(created);
}

void TestProviderConfigService::unchangedSaveWritesNothing()
{
    auto host = makeService(std::nullopt);
    QVERIFY(host->save(enabledLinkedIn(*host, kSecret)).ok());
    const QString stamp = stored(std::nullopt)->concurrencyStamp;
    QSignalSpy changed(host.get(), &ProviderConfigService::configurationChanged);
    const auto again = host->save(editOf(*host, kLinkedIn));
    QVERIFY(again.ok());
    QCOMPARE(again.value().concurrencyStamp, stamp);
    QCOMPARE(stored(std::nullopt)->concurrencyStamp, stamp);
    QCOMPARE(count(db(), u"AbpAuditLogs"_qs), 1);
    QCOMPARE(changed.size(), 0);
}

// DESIGN §6: the row and its audit entry commit together or not at all.
void TestProviderConfigService::failedAuditLeavesNoRow()
{
    auto host = makeService(std::nullopt);
    QSqlQuery drop(db().handle());
    QVERIFY2(drop.exec(db().driver() == Db::Driver::Postgres
                           ? u"DROP TABLE \"AbpEntityChanges\" CASCADE"_qs
                           : u"DROP TABLE \"AbpEntityChanges\""_qs),
             qPrintable(drop.lastError().text()));
    QSignalSpy changed(host.get(), &ProviderConfigService::configurationChanged);
    const auto failed = host->save(enabledLinkedIn(*host, kSecret));
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, ErrorCode::DatabaseError);
    QVERIFY(!stored(std::nullopt));
    QCOMPARE(count(db(), u"AbpAuditLogs"_qs), 0);
    QCOMPARE(changed.size(), 0);
    QVERIFY(!m_logs->lines().join(u'\n').contains(QString::fromUtf8(kSecret)));
}

// What a save changes is what the connect flow reads: the tenant's Connect is enabled at once.
void TestProviderConfigService::savedConfigurationEnablesConnect()
{
    SessionUser user = m_workspace->user();
    user.permissions = {Contract::kPermissionManageProviders};
    ProviderConfigService admin(db(), m_workspace->protector(), ProviderCatalogue::builtIn(), user,
                                m_clock);
    ConnectionService connections(db(), m_workspace->protector(), ProviderCatalogue::builtIn(),
                                  user, m_clock);
    const auto configured = [&connections] {
        const auto statuses = connections.providerStatuses();
        for (const ProviderStatus &status : statuses.value()) {
            if (status.providerKey == kLinkedIn)
                return status.configured;
        }
        return false;
    };
    QVERIFY(!configured());
    QVERIFY(admin.save(enabledLinkedIn(admin, kSecret)).ok());
    QVERIFY(configured());
    ProviderEdit off = editOf(admin, kLinkedIn);
    off.enabled = false;
    QVERIFY(admin.save(off).ok());
    QVERIFY(!configured());
}

QTEST_GUILESS_MAIN(TestProviderConfigService)
#include "tst_providerconfigservice.moc"
