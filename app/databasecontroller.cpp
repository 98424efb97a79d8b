#include "app/databasecontroller.h"

#include "app/applogging.h"
#include "app/passwordstore.h"

#include <QSettings>

namespace EasyCrm::App {

using Field = Ui::DatabasePage::Field;

PostgresTarget targetFromForm(const Ui::DatabasePage::Connection &form)
{
    PostgresTarget target;
    target.host = form.host;
    target.port = form.port;
    target.database = form.database;
    target.user = form.user;
    target.sslMode = form.sslMode;
    target.tenantName = form.tenantName;
    target.userName = form.userName;
    return target;
}

Ui::DatabasePage::Connection formFromTarget(const PostgresTarget &target)
{
    Ui::DatabasePage::Connection form;
    form.host = target.host;
    form.port = target.port;
    form.database = target.database;
    form.user = target.user;
    form.sslMode = target.sslMode;
    form.tenantName = target.tenantName;
    form.userName = target.userName;
    return form;
}

namespace {

Field signInField(ErrorCode code)
{
    switch (code) {
    case ErrorCode::NotFound:
        return Field::Tenant;
    case ErrorCode::InvalidCredentials:
        return Field::CrmPassword;
    default:
        return Field::UserName;
    }
}

} // namespace

Field fieldFor(OpenProblem problem, const Error &error)
{
    switch (problem) {
    case OpenProblem::Unreachable:
        return Field::Host;
    case OpenProblem::Credentials:
        // libpq: 'role "x" does not exist' is the user's fault, not the password's.
        return error.detail.contains(u"role \"") ? Field::User : Field::Password;
    case OpenProblem::NoSuchDatabase:
    case OpenProblem::NotCrmDatabase:
        return Field::Database;
    case OpenProblem::Ssl:
        return Field::SslMode;
    case OpenProblem::SignIn:
        return signInField(error.code);
    case OpenProblem::NoKey:
    case OpenProblem::Other:
        break;
    }
    return Field::None;
}

DatabaseController::DatabaseController(Ui::DatabasePage *page, PostgresOpener *opener,
                                       PasswordStore *passwords, QObject *parent)
    : QObject(parent)
    , m_page(page)
    , m_opener(opener)
    , m_passwords(passwords)
{
    page->setSslModes(sslModeNames());
    page->setKeychainAvailable(passwords->isAvailable());
    connect(page, &Ui::DatabasePage::connectRequested, this,
            [this](const Ui::DatabasePage::Connection &form, const QString &password, bool remember,
                   const QString &crmPassword) {
                connectTo(targetFromForm(form), password, remember, SecretString(crmPassword));
            });
    connect(page, &Ui::DatabasePage::cancelRequested, this, &DatabaseController::cancel);
    connect(opener, &PostgresOpener::opened, this, &DatabaseController::onOpened);
    connect(opener, &PostgresOpener::failed, this, &DatabaseController::onFailed);
}

void DatabaseController::connectTo(const PostgresTarget &target, const QString &password,
                                   bool rememberPassword, const SecretString &crmPassword)
{
    const quint64 attempt = ++m_attempt;
    m_connecting = true;
    m_passwordToSave = rememberPassword && m_passwords->isAvailable() ? password : QString();
    m_page->showConnecting(target.address());
    if (!password.isEmpty() || !m_passwords->isAvailable()) {
        open(attempt, target, password, crmPassword);
        return;
    }
    m_passwords->read(target.keychainAccount(),
                      [this, attempt, target, crmPassword](std::optional<QString> saved) {
                          // An empty password still opens servers that trust this host,
                          // and libpq then also looks in ~/.pgpass and PGPASSWORD.
                          open(attempt, target, saved.value_or(QString()), crmPassword);
                      });
}

void DatabaseController::open(quint64 attempt, const PostgresTarget &target,
                              const QString &password, const SecretString &crmPassword)
{
    if (attempt != m_attempt || !m_connecting)
        return; // cancelled while the keychain answered
    m_opener->open(target, password, crmPassword);
}

void DatabaseController::cancel()
{
    ++m_attempt;
    m_connecting = false;
    m_passwordToSave.clear();
    m_opener->cancel();
}

void DatabaseController::onOpened(const PostgresTarget &target)
{
    m_connecting = false;
    QSettings settings;
    savePostgresTarget(settings, target);
    if (!m_passwordToSave.isEmpty()) {
        m_passwords->write(target.keychainAccount(), m_passwordToSave);
        m_passwordToSave.clear();
    }
    m_page->setConnection(formFromTarget(target));
    //: %1 is a PostgreSQL server and database, such as db.example.com:5432/crm.
    m_page->showOpened(
        tr("%1 is open. Settings — Social Integration now works on it.").arg(target.address()));
    emit postgresOpened(target);
}

void DatabaseController::onFailed(const PostgresTarget &target, OpenProblem problem,
                                  const Error &error)
{
    m_connecting = false;
    m_passwordToSave.clear();
    m_page->setConnection(formFromTarget(target));
    if (problem == OpenProblem::SignIn) {
        m_page->showSignInRefused(fieldFor(problem, error), error.message);
        return;
    }
    // libpq's own words help with a refused login or an unreachable host; for the checks
    // after it (schema, key ring) the message already names what is missing.
    const bool fromServer = error.code == ErrorCode::DatabaseOpenFailed ||
                            error.code == ErrorCode::DatabaseUnreachable ||
                            error.code == ErrorCode::DatabaseCredentialsRejected;
    m_page->showConnectError(fieldFor(problem, error), error.message,
                             fromServer ? error.detail : QString());
}

} // namespace EasyCrm::App
