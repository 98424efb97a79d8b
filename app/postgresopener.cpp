#include "app/postgresopener.h"

#include "app/applogging.h"
#include "core/db/database.h"

#include <QCoreApplication>
#include <QTcpSocket>
#include <QtConcurrent>

namespace EasyCrm::App {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EasyCrm::App::PostgresOpener", text);
}

bool mentions(const QString &text, const char *phrase)
{
    return text.contains(QLatin1String(phrase), Qt::CaseInsensitive);
}

// What the workspace could not name: libpq tells these only as text (no SQLSTATE reaches
// QPSQL before a session exists), in phrases stable across libpq 12–17.
OpenProblem classifyOpenFailure(const QString &detail)
{
    if (mentions(detail, "timeout expired"))
        return OpenProblem::Unreachable;
    if (mentions(detail, "ssl"))
        return OpenProblem::Ssl;
    if (mentions(detail, "database \"") && mentions(detail, "does not exist"))
        return OpenProblem::NoSuchDatabase;
    return OpenProblem::Other;
}

CrmCredentials credentialsOf(const PostgresTarget &target, const SecretString &password)
{
    return {target.tenantName, target.userName, password};
}

QString serverOf(const PostgresTarget &target)
{
    const QString host = target.host.contains(u':') ? u'[' + target.host + u']' : target.host;
    return QStringLiteral("%1:%2").arg(host).arg(target.port);
}

} // namespace

OpenProblem classifyOpenError(const Error &error, bool reachable)
{
    if (!reachable)
        return OpenProblem::Unreachable;
    switch (error.code) {
    case ErrorCode::DatabaseUnreachable:
        return OpenProblem::Unreachable;
    case ErrorCode::DatabaseCredentialsRejected:
        return OpenProblem::Credentials;
    case ErrorCode::DatabaseOpenFailed:
        return classifyOpenFailure(error.detail);
    case ErrorCode::SchemaMismatch:
        return OpenProblem::NotCrmDatabase;
    case ErrorCode::NoDefaultKey:
    case ErrorCode::KeyRingInvalid:
        return OpenProblem::NoKey;
    // The only thing an open looks up by name before the sign-in's own checks is the tenant.
    case ErrorCode::NotFound:
    case ErrorCode::InvalidCredentials:
    case ErrorCode::UserInactive:
    case ErrorCode::UserDeleted:
    case ErrorCode::UserLockedOut:
    case ErrorCode::PasswordHashUnsupported:
        return OpenProblem::SignIn;
    default:
        return OpenProblem::Other;
    }
}

QString describeOpenProblem(OpenProblem problem, const Error &error, const PostgresTarget &target)
{
    switch (problem) {
    case OpenProblem::Unreachable:
        return tr("No PostgreSQL server answers at %1. Check the host and the port, and that "
                  "the server accepts connections from this computer.")
            .arg(serverOf(target));
    case OpenProblem::Credentials:
        if (mentions(error.detail, "no password supplied"))
            return tr("The server asks for the password of %1. Enter it and connect again.")
                .arg(target.user);
        return tr("The server refused to sign in %1. Check the user name and the password.")
            .arg(target.user);
    case OpenProblem::NoSuchDatabase:
        return tr("The server at %1 has no database named %2.")
            .arg(serverOf(target), target.database);
    case OpenProblem::Ssl:
        return tr("The connection could not be secured as SSL mode %1 requires.")
            .arg(target.sslMode);
    case OpenProblem::NotCrmDatabase:
    case OpenProblem::NoKey:
    case OpenProblem::SignIn: // SignIn's own words: they say what to do
    case OpenProblem::Other:
        break;
    }
    return error.message.isEmpty() ? tr("The CRM database could not be opened.") : error.message;
}

PostgresOpener::PostgresOpener(const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_clock(clock)
{
    // One check at a time matters; a second thread only lets a new attempt start while an
    // abandoned one still waits out its timeout.
    m_pool.setMaxThreadCount(2);
}

PostgresOpener::~PostgresOpener()
{
    m_pool.waitForDone();
}

void PostgresOpener::open(const PostgresTarget &target, const QString &password,
                          const SecretString &crmPassword)
{
    cancel();
    const quint64 attempt = m_attempt;
    m_busy = true;
    qCInfo(lcDatabase) << "checking a PostgreSQL CRM database off the UI thread";
    const Db::PostgresSettings settings = target.settings(password, m_timeouts.checkSeconds);
    // The task's copy is the last one: it wipes the password when the worker is done with it.
    QtConcurrent::run(&m_pool, &PostgresOpener::check, settings, credentialsOf(target, crmPassword),
                      std::cref(m_clock), m_protection)
        .then(this, [this, attempt, target, password](const Check &outcome) {
            onChecked(attempt, target, password, outcome);
        });
}

void PostgresOpener::cancel()
{
    if (m_busy)
        qCInfo(lcDatabase) << "opening abandoned";
    ++m_attempt;
    m_busy = false;
}

std::unique_ptr<Workspace> PostgresOpener::takeWorkspace()
{
    return std::move(m_workspace);
}

// Runs on a worker thread: every connection it opens is opened and closed there.
PostgresOpener::Check PostgresOpener::check(const Db::PostgresSettings &settings,
                                            const CrmCredentials &credentials, const Clock &clock,
                                            const DataProtectionSettings &protection)
{
    Check outcome;
    QTcpSocket probe;
    probe.connectToHost(settings.host, quint16(settings.port));
    if (!probe.waitForConnected(settings.connectTimeoutSeconds * 1000)) {
        outcome.error = makeError(ErrorCode::DatabaseUnreachable, {}, probe.errorString());
        return outcome;
    }
    probe.abort();
    outcome.reachable = true;
    auto workspace = Workspace::openProduction(settings, clock, credentials, protection);
    if (!workspace)
        outcome.error = workspace.error();
    else
        outcome.signedIn = workspace.value()->signedIn();
    return outcome;
}

void PostgresOpener::onChecked(quint64 attempt, const PostgresTarget &target,
                               const QString &password, const Check &outcome)
{
    if (attempt != m_attempt)
        return; // abandoned: cancelled, or replaced by a newer attempt
    if (outcome.error.isError()) {
        finishFailed(target, outcome.error, outcome.reachable);
        return;
    }
    const Db::PostgresSettings settings = target.settings(password, m_timeouts.openSeconds);
    auto workspace =
        Workspace::reopenProduction(settings, m_clock, *outcome.signedIn, m_protection);
    if (!workspace) {
        finishFailed(target, workspace.error(), true);
        return;
    }
    m_workspace = std::move(workspace).value();
    m_busy = false;
    qCInfo(lcDatabase) << "PostgreSQL CRM database opened";
    emit opened(target);
}

void PostgresOpener::finishFailed(const PostgresTarget &target, const Error &error, bool reachable)
{
    m_busy = false;
    const OpenProblem problem = classifyOpenError(error, reachable);
    qCInfo(lcDatabase).noquote() << "opening failed:" << errorCodeName(error.code);
    Error shown = error;
    shown.message = describeOpenProblem(problem, error, target);
    emit failed(target, problem, shown);
}

} // namespace EasyCrm::App
