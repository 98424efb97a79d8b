#pragma once

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/service/crmcontract.h"
#include "core/service/sessionuser.h"

#include <QString>
#include <QUrl>

#include <memory>

namespace EasyCrm::Db {
class Database;
}
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

// One open CRM database with its key ring and the signed-in user: what every flow needs.
class Workspace
{
public:
    // The embedded default: creates and migrates the SQLite file, seeds the local tenant,
    // user and first Data Protection key, and configures the Sandbox provider.
    [[nodiscard]] static Result<std::unique_ptr<Workspace>>
    openEmbedded(const QString &path, const Clock &clock,
                 const SandboxRegistration &sandbox = SandboxRegistration(),
                 const DataProtectionSettings &protection = DataProtectionSettings());
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

    DataProtectionSettings m_protection;
    [[nodiscard]] Result<void> seedProviders(const SandboxRegistration &sandbox);

    const Clock *m_clock = nullptr;
    std::unique_ptr<Db::Database> m_database;
    std::unique_ptr<Crypto::DataProtector> m_protector;
    SessionUser m_user;
};

} // namespace EasyCrm
