#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/service/crmcontract.h"
#include "core/service/sessionuser.h"

#include <QCoreApplication>
#include <QString>
#include <QUrl>

#include <memory>

namespace EasyCrm::Db {
class Database;
struct PostgresSettings;
} // namespace EasyCrm::Db
namespace EasyCrm::Crypto {
class DataProtector;
}

namespace EasyCrm {

// The Sandbox provider's registration (sandbox/server.mjs registers the same client).
struct SandboxRegistration
{
    QUrl issuer = QUrl(QStringLiteral("http://127.0.0.1:4010"));
    QString clientId = QStringLiteral("easycrm-desktop");
    QByteArray clientSecret = QByteArrayLiteral("sandbox-secret");
};

// How tokens are protected: the CRM server's application name is the first Data Protection
// purpose, the token purpose the second (DESIGN §5). Both must match the server's settings.
struct DataProtectionSettings
{
    QString applicationName = Contract::kApplicationName;
    QString purpose = Contract::kTokenPurpose;
};

// Who acts on a production CRM database. Interim: the user is named, not signed in; signing
// in with the CRM password (AbpUsers.PasswordHash) comes with the sign-in issue, and until
// then anyone who can reach the database can act as any active user of it.
struct ProductionIdentity
{
    QString tenantName; // empty = host
    QString userName;
};

// One open CRM database with its key ring and the signed-in user: what every flow needs.
class Workspace
{
    Q_DECLARE_TR_FUNCTIONS(Workspace)

public:
    // The embedded default: creates and migrates the SQLite file, seeds the local tenant,
    // user and first Data Protection key, and configures the Sandbox provider.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openEmbedded(const QString &path, const Clock &clock,
                 const SandboxRegistration &sandbox = SandboxRegistration(),
                 const DataProtectionSettings &protection = DataProtectionSettings());
    // The tenant's PostgreSQL CRM database, shared with the CRM server. In this order, so a
    // database that fails a check is left exactly as it was found:
    //   1. connect (DatabaseUnreachable, DatabaseCredentialsRejected, DatabaseOpenFailed);
    //   2. the schema contract: every ABP table and column the client reads or writes
    //      (SchemaMismatch, naming the first one missing);
    //   3. the identity: tenant by name, then an active user in it (NotFound, UserInactive);
    //   4. the server's key ring from DataProtectionKeys, which needs a usable default key
    //      (NoDefaultKey, KeyRingInvalid); no key is ever created there;
    //   5. the module's own tables, migrated (never ABP's).
    // Messages never carry the password.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openProduction(const Db::PostgresSettings &settings, const Clock &clock,
                   const ProductionIdentity &identity,
                   const DataProtectionSettings &protection = {});
    ~Workspace();
    Q_DISABLE_COPY_MOVE(Workspace)

    Db::Database &database() { return *m_database; }
    const Crypto::DataProtector &protector() const { return *m_protector; }
    const SessionUser &user() const { return m_user; }

    // Points the Sandbox provider's configuration at a sandbox server (tests use a free port).
    [[nodiscard]] Result<void> configureSandbox(const SandboxRegistration &sandbox);

private:
    Workspace() = default;
    [[nodiscard]] Result<void> loadKeyRing(bool mayCreateKey);
    [[nodiscard]] Result<void> seedProviders(const SandboxRegistration &sandbox);
    [[nodiscard]] Result<void> checkSchemaContract(const QString &databaseName) const;
    [[nodiscard]] Result<void> resolveIdentity(const ProductionIdentity &identity);

    DataProtectionSettings m_protection;
    const Clock *m_clock = nullptr;
    std::unique_ptr<Db::Database> m_database;
    std::unique_ptr<Crypto::DataProtector> m_protector;
    SessionUser m_user;
};

} // namespace EasyCrm
