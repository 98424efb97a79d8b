#pragma once

// Stands in for the OS keychain in the app's tests: remembers what was read and written.

#include "app/passwordstore.h"

#include <QHash>
#include <QStringList>
#include <QTimer>

namespace EasyCrm::Testing {

class FakePasswordStore final : public App::PasswordStore
{
public:
    explicit FakePasswordStore(bool available)
        : m_available(available)
    {}

    bool isAvailable() const override { return m_available; }
    void read(const QString &account, ReadDone done) override
    {
        reads << account;
        std::optional<QString> password;
        if (entries.contains(account))
            password = entries.value(account);
        QTimer::singleShot(0, this, [done = std::move(done), password] { done(password); });
    }
    void write(const QString &account, const QString &password) override
    {
        entries.insert(account, password);
    }
    void remove(const QString &account) override { entries.remove(account); }

    QStringList reads;
    QHash<QString, QString> entries;

private:
    bool m_available;
};

} // namespace EasyCrm::Testing
