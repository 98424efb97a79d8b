#pragma once

#include "app/postgrestarget.h"
#include "core/common/clock.h"
#include "core/common/error.h"
#include "core/common/secret.h"
#include "core/service/workspace.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>

#include <memory>

namespace EasyCrm::App {

// What kept a PostgreSQL CRM database from opening, by what the person can do about it.
enum class OpenProblem {
    Unreachable,    // no server answers at host:port (or not in time)
    Credentials,    // the server refused the user or the password
    NoSuchDatabase, // the server has no database of that name
    Ssl,            // the SSL mode asked for could not be met
    NotCrmDatabase, // an ABP table or column the client writes is missing
    NoKey,          // the key ring has no usable Data Protection key
    SignIn,         // the CRM refused the sign-in (tenant, user, password, lockout)
    Other,
};

// Opens a PostgreSQL CRM database without ever making the UI thread wait on the network.
//
//   open(target, password, crmPassword)
//     └─ worker thread: TCP reachability, then Workspace::openProduction — credentials,
//        schema contract, key ring, the CRM sign-in (AbpSecurityLogs), module migrations —
//        and closes it again; the CRM password is wiped once the sign-in has used it
//          ├─ failed(problem, error)                       nothing was kept
//          └─ UI thread: Workspace::reopenProduction for the user just signed in, on a
//             server just proven to answer and with a short connect timeout (no second
//             sign-in); opened() — takeWorkspace() hands it over
//
// QtSql ties a connection to the thread that opened it, and the service, the models and the
// widgets all live on the UI thread, so the workspace the app keeps is opened there; the
// worker's check takes the waits (an unreachable host, a slow login) off it.
class PostgresOpener final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PostgresOpener)

public:
    struct Timeouts
    {
        int checkSeconds = 10; // libpq connect_timeout for the worker's check
        int openSeconds = 2;   // for the UI thread's open of a server that just answered
    };

    // `clock` must outlive this object; the worker reads it too.
    explicit PostgresOpener(const Clock &clock, QObject *parent = nullptr);
    // Waits for a running check, at most its connect timeout.
    ~PostgresOpener() override;

    void setTimeouts(const Timeouts &timeouts) { m_timeouts = timeouts; }
    void setDataProtection(const DataProtectionSettings &protection) { m_protection = protection; }

    // Starts opening `target` and signing its CRM user in with `crmPassword`; a running
    // attempt is abandoned first.
    void open(const PostgresTarget &target, const QString &password,
              const SecretString &crmPassword);
    // The running attempt's outcome is dropped; emits nothing.
    void cancel();
    [[nodiscard]] bool isBusy() const { return m_busy; }
    // Checks still running, abandoned ones included (each ends by its connect timeout).
    [[nodiscard]] int runningChecks() const { return m_pool.activeThreadCount(); }

    // The workspace of the last opened() signal, once.
    [[nodiscard]] std::unique_ptr<Workspace> takeWorkspace();

signals:
    void opened(const EasyCrm::App::PostgresTarget &target);
    void failed(const EasyCrm::App::PostgresTarget &target, EasyCrm::App::OpenProblem problem,
                const EasyCrm::Error &error);

private:
    struct Check
    {
        bool reachable = false;
        Error error;
        std::optional<SignedIn> signedIn;
    };

    [[nodiscard]] static Check check(const Db::PostgresSettings &settings,
                                     const CrmCredentials &credentials, const Clock &clock,
                                     const DataProtectionSettings &protection);
    void onChecked(quint64 attempt, const PostgresTarget &target, const QString &password,
                   const Check &check);
    void finishFailed(const PostgresTarget &target, const Error &error, bool reachable);

    const Clock &m_clock;
    Timeouts m_timeouts;
    DataProtectionSettings m_protection;
    quint64 m_attempt = 0;
    bool m_busy = false;
    std::unique_ptr<Workspace> m_workspace;
    QThreadPool m_pool;
};

// The problem behind `error`, given whether a TCP connection to the server succeeded.
[[nodiscard]] OpenProblem classifyOpenError(const Error &error, bool reachable);

// The message the person reads for `problem`: what failed and what to check, naming the
// server, database or user but never the password. Falls back to `error.message`.
[[nodiscard]] QString describeOpenProblem(OpenProblem problem, const Error &error,
                                          const PostgresTarget &target);

} // namespace EasyCrm::App

Q_DECLARE_METATYPE(EasyCrm::App::PostgresTarget)
