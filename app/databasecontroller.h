#pragma once

#include "app/postgresopener.h"
#include "app/postgrestarget.h"
#include "ui/databasepage.h"

#include <QObject>

namespace EasyCrm::App {

class PasswordStore;

// Wires Settings — Database to the opener and the keychain:
//
//   connectRequested(form, password, remember, crmPassword) ─► showConnecting
//     password left empty and a keychain present ─► read it from the keychain (async)
//     ─► PostgresOpener::open ─► failed: showConnectError at the field to fix, or
//                                showSignInRefused at the sign-in field SignIn's words are for
//                             └► opened: remember the connection (QSettings, no password),
//                                save a typed PostgreSQL password in the keychain,
//                                postgresOpened()
// The CRM password goes to the sign-in only: never to the settings or the keychain.
class DatabaseController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabaseController)

public:
    DatabaseController(Ui::DatabasePage *page, PostgresOpener *opener, PasswordStore *passwords,
                       QObject *parent = nullptr);

    // What the Connect button does: opens `target`, signing its CRM user in with
    // `crmPassword`.
    void connectTo(const PostgresTarget &target, const QString &password, bool rememberPassword,
                   const SecretString &crmPassword);
    void cancel();
    [[nodiscard]] bool isConnecting() const { return m_connecting; }

signals:
    // The opener holds the workspace: PostgresOpener::takeWorkspace().
    void postgresOpened(const EasyCrm::App::PostgresTarget &target);

private:
    void open(quint64 attempt, const PostgresTarget &target, const QString &password,
              const SecretString &crmPassword);
    void onOpened(const PostgresTarget &target);
    void onFailed(const PostgresTarget &target, OpenProblem problem, const Error &error);

    Ui::DatabasePage *m_page;
    PostgresOpener *m_opener;
    PasswordStore *m_passwords;
    quint64 m_attempt = 0;
    bool m_connecting = false;
    // A typed password waits here for the outcome: saved to the keychain on success only.
    QString m_passwordToSave;
};

[[nodiscard]] PostgresTarget targetFromForm(const Ui::DatabasePage::Connection &form);
[[nodiscard]] Ui::DatabasePage::Connection formFromTarget(const PostgresTarget &target);
// The field the person should look at for `problem`. A refused sign-in points at the tenant
// (no such tenant), the password (wrong password or unknown user, never told apart) or the
// user name (inactive, deleted, locked out).
[[nodiscard]] Ui::DatabasePage::Field fieldFor(OpenProblem problem, const Error &error);

} // namespace EasyCrm::App
