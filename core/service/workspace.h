#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/service/crmcontract.h"
#include "core/service/sessionuser.h"
#include "core/service/signin.h"

#include <QCoreApplication>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

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

// A user who signed in with their CRM password on a production database. Only a Workspace
// that signed them in makes one, so no workspace on a production database acts for someone
// who did not give their password.
class SignedIn final
{
public:
    const SessionUser &user() const { return m_user; }

private:
    friend class Workspace;
    SignedIn(SessionUser user, QString database)
        : m_user(std::move(user))
        , m_database(std::move(database))
    {}

    SessionUser m_user;
    QString m_database; // host:port/database of the sign-in
};

// One open CRM database with its key ring and the signed-in user: what every flow needs.
class Workspace
{
    Q_DECLARE_TR_FUNCTIONS(Workspace)

public:
    // The embedded default: creates and migrates the SQLite file, seeds the local tenant,
    // user and first Data Protection key, and configures the Sandbox provider. Its local
    // administrator is signed in without a password: the file is the person's own.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openEmbedded(const QString &path, const Clock &clock,
                 const SandboxRegistration &sandbox = SandboxRegistration(),
                 const DataProtectionSettings &protection = DataProtectionSettings());
    // The tenant's PostgreSQL CRM database, shared with the CRM server. In this order, so a
    // database that fails a check is left exactly as it was found, but for the sign-in's own
    // AbpSecurityLogs row and failure count:
    //   1. connect (DatabaseUnreachable, DatabaseCredentialsRejected, DatabaseOpenFailed);
    //   2. the schema contract: every ABP table and column the client reads or writes
    //      (SchemaMismatch, naming the first one missing);
    //   3. the server's key ring from DataProtectionKeys, which needs a usable default key
    //      (NoDefaultKey, KeyRingInvalid); no key is ever created there;
    //   4. the sign-in, as the CRM server's login does it (SignIn: NotFound for the tenant,
    //      InvalidCredentials, UserInactive, UserDeleted, UserLockedOut, …);
    //   5. the module's own tables, migrated (never ABP's).
    // Messages never carry either password.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openProduction(const Db::PostgresSettings &settings, const Clock &clock,
                   const CrmCredentials &credentials,
                   const DataProtectionSettings &protection = {});
    // The same database opened again, on this thread, for a user who signed in on it moments
    // ago through openProduction() on another thread (QtSql ties a connection to the thread
    // that opened it): steps 1, 2, 3 and 5, so one sign-in stays one AbpSecurityLogs row.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    reopenProduction(const Db::PostgresSettings &settings, const Clock &clock,
                     const SignedIn &signedIn, const DataProtectionSettings &protection = {});
    // Steps 1, 2, 3 and 5 with no one signed in, for work the CRM server's own background
    // workers do for no user (the headless refresh sweep). user() is empty.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openUnattended(const Db::PostgresSettings &settings, const Clock &clock,
                   const DataProtectionSettings &protection = {});
    ~Workspace();
    Q_DISABLE_COPY_MOVE(Workspace)

    Db::Database &database() { return *m_database; }
    const Crypto::DataProtector &protector() const { return *m_protector; }
    const SessionUser &user() const { return m_user; }
    // The sign-in that opened this workspace, for reopenProduction(); only openProduction()
    // sets it.
    const std::optional<SignedIn> &signedIn() const { return m_signedIn; }

    // From now on user() acts on `tenantId` (empty = the host): TenantScope::actingOn, so
    // PermissionDenied for anyone but a host administrator and nothing changes then.
    [[nodiscard]] Result<void> actOn(const std::optional<QUuid> &tenantId);

    // Points the Sandbox provider's configuration at a sandbox server (tests use a free port).
    [[nodiscard]] Result<void> configureSandbox(const SandboxRegistration &sandbox);

private:
    Workspace() = default;
    [[nodiscard]] Result<void> loadKeyRing(bool mayCreateKey);
    [[nodiscard]] Result<void> seedProviders(const SandboxRegistration &sandbox);
    [[nodiscard]] Result<void> checkSchemaContract(const QString &databaseName) const;
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openChecked(const Db::PostgresSettings &settings, const Clock &clock,
                const DataProtectionSettings &protection);
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    finishProduction(std::unique_ptr<Workspace> workspace);

    DataProtectionSettings m_protection;
    const Clock *m_clock = nullptr;
    std::unique_ptr<Db::Database> m_database;
    std::unique_ptr<Crypto::DataProtector> m_protector;
    SessionUser m_user;
    std::optional<SignedIn> m_signedIn;
};

} // namespace EasyCrm
