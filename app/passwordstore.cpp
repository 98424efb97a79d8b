#include "app/passwordstore.h"

#include "app/applogging.h"

#include <QTimer>

#ifdef EASYCRM_HAVE_QTKEYCHAIN
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <qt6keychain/keychain.h>
#endif

namespace EasyCrm::App {

void NoPasswordStore::read(const QString &, ReadDone done)
{
    // Queued like a real keychain answer, so callers never see a re-entrant callback.
    QTimer::singleShot(0, this, [done = std::move(done)] { done(std::nullopt); });
}

#ifdef EASYCRM_HAVE_QTKEYCHAIN

namespace {

const QString kService = QStringLiteral("EasyCRM Social Connect");

// qtkeychain on Linux talks to a Secret Service (GNOME Keyring, KeePassXC) or KWallet on
// the session bus. Without one its jobs fail only after D-Bus timeouts, so look first.
bool sessionHasKeychain()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || !bus.interface())
        return false;
    const QStringList services{QStringLiteral("org.freedesktop.secrets"),
                               QStringLiteral("org.kde.kwalletd5"),
                               QStringLiteral("org.kde.kwalletd6")};
    const QStringList activatable = bus.interface()->activatableServiceNames().value();
    for (const QString &service : services) {
        if (bus.interface()->isServiceRegistered(service).value() || activatable.contains(service))
            return true;
    }
    return false;
}

class KeychainPasswordStore final : public PasswordStore
{
public:
    bool isAvailable() const override { return true; }

    void read(const QString &account, ReadDone done) override
    {
        auto *job = new QKeychain::ReadPasswordJob(kService, this);
        job->setKey(account);
        // Never fall back to a plain-text file: no keychain means no stored password.
        job->setInsecureFallback(false);
        connect(job, &QKeychain::Job::finished, this,
                [done = std::move(done)](QKeychain::Job *finished) {
                    auto *reader = static_cast<QKeychain::ReadPasswordJob *>(finished);
                    if (reader->error() == QKeychain::NoError) {
                        done(reader->textData());
                        return;
                    }
                    if (reader->error() != QKeychain::EntryNotFound)
                        qCWarning(lcKeychain).noquote()
                            << "reading the password failed:" << reader->errorString();
                    done(std::nullopt);
                });
        job->start();
    }

    void write(const QString &account, const QString &password) override
    {
        auto *job = new QKeychain::WritePasswordJob(kService, this);
        job->setKey(account);
        job->setInsecureFallback(false);
        job->setTextData(password);
        connect(job, &QKeychain::Job::finished, this, [](QKeychain::Job *finished) {
            if (finished->error() != QKeychain::NoError)
                qCWarning(lcKeychain).noquote()
                    << "saving the password failed:" << finished->errorString();
        });
        job->start();
    }

    void remove(const QString &account) override
    {
        auto *job = new QKeychain::DeletePasswordJob(kService, this);
        job->setKey(account);
        job->setInsecureFallback(false);
        job->start();
    }
};

} // namespace

std::unique_ptr<PasswordStore> PasswordStore::system()
{
    if (sessionHasKeychain())
        return std::make_unique<KeychainPasswordStore>();
    qCInfo(lcKeychain) << "no keychain service on the session bus; passwords are asked for";
    return std::make_unique<NoPasswordStore>();
}

#else

std::unique_ptr<PasswordStore> PasswordStore::system()
{
    qCInfo(lcKeychain) << "built without qtkeychain; passwords are asked for";
    return std::make_unique<NoPasswordStore>();
}

#endif

} // namespace EasyCrm::App
