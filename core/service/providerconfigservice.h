#pragma once

#include "core/common/clock.h"
#include "core/common/providercatalogue.h"
#include "core/common/result.h"
#include "core/service/providersettings.h"
#include "core/service/sessionuser.h"

#include <QList>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <optional>

class QNetworkAccessManager;

namespace EasyCrm::Db {
class Database;
struct ProviderConfig;
enum class EntityChangeType;
} // namespace EasyCrm::Db
namespace EasyCrm::Crypto {
class DataProtector;
}

namespace EasyCrm {

class ProviderConfigCheck;

// Settings — Social Integration — Providers for the signed-in admin: what applies to the
// acting tenant per catalogue provider, and the acting tenant's own row in
// SocialCrmProviderConfigurations (TenantId NULL for a host user: the host default).
//
//   list() ─► catalogue × (the tenant's row | the host default | none)
//   save(edit) ─► permission ─► validate ─► the version the editor showed is still the one
//              stored (else ConcurrencyConflict) ─► the secret protected like a token
//              ─► one transaction: the row (a tenant's is created from the host default's
//                 values on its first save) + its audit entry ─► configurationChanged(key)
//   useHostDefault(key, stamp) ─► the tenant's row removed + audit, in one transaction
//   testConfiguration(edit) ─► ProviderConfigCheck (network) ─► testFinished(key, checks)
//
// Everything is refused without EasyCrm.SocialCrm.ManageProviders (PermissionDenied), here in
// the core, whatever the page shows. The client secret never leaves: not to the page (only
// whether one is saved), not to an audit row or a log line, not to the network.
class ProviderConfigService final : public QObject
{
    Q_OBJECT

public:
    ProviderConfigService(Db::Database &database, const Crypto::DataProtector &protector,
                          const ProviderCatalogue &catalogue, SessionUser user, const Clock &clock,
                          QObject *parent = nullptr);
    ~ProviderConfigService() override;
    Q_DISABLE_COPY_MOVE(ProviderConfigService)

    // Test seam: the network "Test configuration" uses (not owned; must outlive the service).
    void setNetworkAccessManager(QNetworkAccessManager *network);
    // How long each request of "Test configuration" may take.
    void setCheckTimeout(std::chrono::milliseconds timeout) { m_checkTimeout = timeout; }
    const SessionUser &user() const { return m_user; }
    [[nodiscard]] bool mayManage() const;

    [[nodiscard]] Result<QList<ProviderSettings>> list() const;
    [[nodiscard]] Result<ProviderSettings> settings(const QString &providerKey) const;
    // Every mistake of `edit`, each at its field; empty when it can be saved.
    [[nodiscard]] Result<QList<FieldProblem>> validate(const ProviderEdit &edit) const;
    // Saves the acting tenant's row; wipes the typed secret whatever the outcome.
    // InvalidConfiguration names the first mistake (validate() lists them all).
    [[nodiscard]] Result<ProviderSettings> save(ProviderEdit edit);
    // Removes the tenant's own row, so the host default applies again.
    [[nodiscard]] Result<ProviderSettings> useHostDefault(const QString &providerKey,
                                                          const QString &shownStamp);

    // Starts checking `edit`'s endpoints (overrides over the catalogue's); the outcome comes
    // as testFinished. A new test replaces one still running.
    [[nodiscard]] Result<void> testConfiguration(const ProviderEdit &edit);
    [[nodiscard]] bool isTesting() const;

signals:
    // The acting tenant's configuration of `providerKey` was saved or removed.
    void configurationChanged(const QString &providerKey);
    void testFinished(const QString &providerKey, const QList<EasyCrm::ConfigCheck> &checks);

private:
    struct Stored;
    [[nodiscard]] Result<void> requirePermission() const;
    [[nodiscard]] Result<const ProviderDescriptor *> provider(const QString &key) const;
    [[nodiscard]] Result<Stored> readRows(const QString &providerKey) const;
    [[nodiscard]] ProviderSettings toSettings(const ProviderDescriptor &provider,
                                              const Stored &rows) const;
    void checkClientId(const ProviderDescriptor &provider, const ProviderEdit &edit,
                       QList<FieldProblem> &problems) const;
    void checkScopes(const ProviderDescriptor &provider, const ProviderEdit &edit,
                     QList<FieldProblem> &problems) const;
    void checkRedirectPort(const ProviderDescriptor &provider, const ProviderEdit &edit,
                           QList<FieldProblem> &problems) const;
    void checkEndpoints(const ProviderEdit &edit, QList<FieldProblem> &problems) const;
    [[nodiscard]] Result<void> checkShownVersion(const ProviderEdit &edit,
                                                 const ProviderDescriptor &provider,
                                                 const Stored &rows) const;
    [[nodiscard]] Result<Db::ProviderConfig> applyEdit(const ProviderEdit &edit,
                                                       const QByteArray &typedSecret,
                                                       const ProviderDescriptor &provider,
                                                       const Stored &rows) const;
    [[nodiscard]] Result<void> store(Db::ProviderConfig &row, bool isNew,
                                     const QStringList &changedFields);
    [[nodiscard]] Result<void> writeAudit(const Db::ProviderConfig &row,
                                          Db::EntityChangeType changeType,
                                          const QStringList &changedFields, const QDateTime &now);
    [[nodiscard]] Error changedElsewhere(const ProviderDescriptor &provider,
                                         const QString &detail) const;
    [[nodiscard]] Error explain(const ProviderDescriptor &provider, const Error &error) const;

    Db::Database &m_db;
    const Crypto::DataProtector &m_protector;
    const ProviderCatalogue &m_catalogue;
    SessionUser m_user;
    const Clock &m_clock;
    QNetworkAccessManager *m_network = nullptr;
    std::chrono::milliseconds m_checkTimeout{10000};
    QPointer<ProviderConfigCheck> m_check;
};

} // namespace EasyCrm
