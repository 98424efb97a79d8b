#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace EasyCrm::App {

// Where the PostgreSQL password is kept between runs: the OS keychain (a Secret Service on
// D-Bus, through qtkeychain) where one is available, otherwise nowhere — the Database page
// then asks for it each time. Never QSettings, never a log line.
class PasswordStore : public QObject
{
    Q_OBJECT

public:
    using ReadDone = std::function<void(std::optional<QString> password)>;

    using QObject::QObject;
    ~PasswordStore() override = default;

    // False: nothing is kept; read() always answers nothing.
    [[nodiscard]] virtual bool isAvailable() const = 0;
    // Asynchronous, since a keychain may ask the person to unlock it; `done` runs on this
    // object's thread with the password, or nothing when none is stored or it failed.
    virtual void read(const QString &account, ReadDone done) = 0;
    virtual void write(const QString &account, const QString &password) = 0;
    virtual void remove(const QString &account) = 0;

    // The OS keychain when this build has qtkeychain and the session offers a keychain
    // service; otherwise a store that keeps nothing.
    [[nodiscard]] static std::unique_ptr<PasswordStore> system();
};

// Keeps nothing: the password is asked for each time.
class NoPasswordStore final : public PasswordStore
{
    Q_OBJECT

public:
    using PasswordStore::PasswordStore;

    bool isAvailable() const override { return false; }
    void read(const QString &account, ReadDone done) override;
    void write(const QString &, const QString &) override {}
    void remove(const QString &) override {}
};

} // namespace EasyCrm::App
