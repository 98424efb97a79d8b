#pragma once

#include <QString>
#include <QStringList>

#include <optional>

class QSettings;

namespace EasyCrm::Db {
struct PostgresSettings;
}

namespace EasyCrm::App {

// A PostgreSQL CRM database and who to sign in as there, without the password: the one
// value the command line, the settings and the Database page all describe.
struct PostgresTarget
{
    QString host;
    int port = 5432;
    QString database;
    QString user;
    QString sslMode = QStringLiteral("prefer");
    QString tenantName; // empty = the host (no tenant)
    QString userName;

    [[nodiscard]] bool operator==(const PostgresTarget &) const = default;

    // "host:port/database", with an IPv6 address in brackets; never the password.
    [[nodiscard]] QString address() const;
    // The keychain entry's name: one password per user, server and database.
    [[nodiscard]] QString keychainAccount() const;
    [[nodiscard]] Db::PostgresSettings settings(const QString &password,
                                                int connectTimeoutSeconds) const;
};

// The libpq sslmode values the product offers (verify-ca is left out on purpose: it checks
// the certificate but not the host name, which protects against less than it suggests).
[[nodiscard]] const QStringList &sslModeNames();

// Parses `HOST[:PORT]/DATABASE` (`[::1]:5433/crm` for IPv6). On failure returns nothing and
// puts a translated reason into `problem`.
[[nodiscard]] std::optional<PostgresTarget> parsePostgresAddress(const QString &address,
                                                                 QString *problem = nullptr);

// The last PostgreSQL connection, under the settings group "postgres". The password is
// never written here: it lives in the OS keychain or nowhere.
[[nodiscard]] PostgresTarget loadPostgresTarget(QSettings &settings);
void savePostgresTarget(QSettings &settings, const PostgresTarget &target);

} // namespace EasyCrm::App
