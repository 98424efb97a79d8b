#include "core/service/signin.h"

#include "core/common/ids.h"
#include "core/crypto/passwordhasher.h"
#include "core/db/database.h"
#include "core/db/identityreader.h"
#include "core/db/rowhelpers.h"
#include "core/db/securitylogwriter.h"
#include "core/service/crmcontract.h"

#include <QLocale>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcService)

namespace EasyCrm {

namespace {

// How often a sign-in starts again when another client changed the user's row first.
constexpr int kConcurrencyRetries = 3;

// The AbpUsers columns a sign-in decides on.
struct Candidate
{
    QUuid id;
    QString userName;
    QString passwordHash;
    bool isActive = false;
    bool isDeleted = false;
    bool lockoutEnabled = false;
    QDateTime lockoutEnd; // UTC; invalid = never locked
    int accessFailedCount = 0;
    QString concurrencyStamp;
};

// One sign-in's outcome: the security-log action, the person's error (none on success) and
// the user's new failure bookkeeping when it changes.
struct Decision
{
    QString action;
    Error error;
    std::optional<int> accessFailedCount;
    QDateTime lockoutEnd; // set only when this attempt locks the user out
    QString reason;       // ExtraProperties "Reason", for outcomes ABP has no action for
};

// AbpUsers.LockoutEnd is a .NET DateTimeOffset: EF Core writes "… +00:00" text on SQLite and
// `timestamp with time zone` on PostgreSQL (read back as UTC text, see lockoutEndColumn()).
QDateTime parseOffsetTime(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$)"));
    const QRegularExpressionMatch m = pattern.match(text.trimmed());
    if (!m.hasMatch())
        return {};
    const QDate date = QDate::fromString(m.captured(1), Qt::ISODate);
    QTime time = QTime::fromString(m.captured(2), Qt::ISODate);
    time = time.addMSecs(m.captured(3).leftJustified(3, u'0').left(3).toInt());
    const QString zone = m.captured(4);
    int offset = 0;
    if (!zone.isEmpty() && zone != u"Z") {
        const QString digits = zone.mid(1).remove(u':');
        offset = (digits.left(2).toInt() * 60 + digits.mid(2).toInt()) * 60;
        offset = zone.startsWith(u'-') ? -offset : offset;
    }
    return QDateTime(date, time, Qt::OffsetFromUTC, offset).toUTC();
}

QString formatOffsetTime(const Db::Database &db, const QDateTime &utc)
{
    // Always UTC with an explicit offset, so PostgreSQL stores the instant whatever the
    // session's time zone; the SQLite text is EF Core's "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz".
    Db::Dialect utcDialect(db.driver(), Db::TimestampBasis::Utc);
    return utcDialect.formatTimestamp(utc) + QStringLiteral("+00:00");
}

QString lockoutEndColumn(const Db::Database &db)
{
    if (db.driver() == Db::Driver::Postgres)
        return QStringLiteral("CAST(\"LockoutEnd\" AT TIME ZONE 'UTC' AS text)");
    return QStringLiteral("\"LockoutEnd\"");
}

// Host users and tenant users live in one table; deleted rows sort last, so a live user
// wins over a deleted one with the same name.
Result<std::optional<Candidate>> findBy(Db::Database &db, const std::optional<QUuid> &tenantId,
                                        const QString &column, const QString &normalized)
{
    Db::SqlStatement st(db, QStringLiteral("signin.user"));
    st.prepare(QStringLiteral("SELECT \"Id\", \"UserName\", \"PasswordHash\", \"IsActive\", "
                              "\"IsDeleted\", \"LockoutEnabled\", \"AccessFailedCount\", "
                              "\"ConcurrencyStamp\", ") +
               lockoutEndColumn(db) + QStringLiteral(" AS \"LockoutEndText\" FROM \"AbpUsers\" ") +
               QStringLiteral("WHERE ") + Db::Rows::tenantMatches() + QStringLiteral(" AND \"") +
               column + QStringLiteral("\" = :Value ORDER BY \"IsDeleted\""));
    Db::Rows::bindTenantKey(st, db, tenantId);
    st.bind(QStringLiteral(":Value"), normalized);
    if (Result<void> r = st.exec(); !r)
        return r.error();
    if (!st.next())
        return std::optional<Candidate>();
    Candidate c;
    c.id = db.readGuid(st.value(QStringLiteral("Id")));
    c.userName = Db::Rows::text(st, "UserName");
    c.passwordHash = Db::Rows::text(st, "PasswordHash");
    c.isActive = st.value(QStringLiteral("IsActive")).toBool();
    c.isDeleted = st.value(QStringLiteral("IsDeleted")).toBool();
    c.lockoutEnabled = st.value(QStringLiteral("LockoutEnabled")).toBool();
    c.lockoutEnd = parseOffsetTime(Db::Rows::text(st, "LockoutEndText"));
    c.accessFailedCount = st.value(QStringLiteral("AccessFailedCount")).toInt();
    c.concurrencyStamp = Db::Rows::text(st, "ConcurrencyStamp");
    return std::optional<Candidate>(c);
}

// ABP's login: the input is tried as a user name first, then as an e-mail address
// (ReplaceEmailToUsernameOfInputIfNeeds). Both are compared normalized (upper invariant).
Result<std::optional<Candidate>> findCandidate(Db::Database &db,
                                               const std::optional<QUuid> &tenantId,
                                               const QString &userNameOrEmail)
{
    const QString normalized = userNameOrEmail.normalized(QString::NormalizationForm_C).toUpper();
    auto byName = findBy(db, tenantId, QStringLiteral("NormalizedUserName"), normalized);
    if (!byName || byName.value() || !userNameOrEmail.contains(u'@'))
        return byName;
    return findBy(db, tenantId, QStringLiteral("NormalizedEmail"), normalized);
}

Error invalidCredentials()
{
    return makeError(ErrorCode::InvalidCredentials,
                     SignIn::tr("The user name, e-mail address or password is not correct."));
}

// When the lockout ends, in the person's own time: "in 5 minutes" alone goes stale on screen.
// Longer than an hour is an administrator's lock rather than ABP's five minutes.
Error lockedOut(const QDateTime &until, const QDateTime &now)
{
    const qint64 minutes = std::max<qint64>(1, (now.secsTo(until) + 59) / 60);
    const QDateTime localEnd = until.toLocalTime();
    const QLocale locale;
    const QString end = localEnd.date() == now.toLocalTime().date()
                            ? locale.toString(localEnd.time(), QLocale::ShortFormat)
                            : locale.toString(localEnd, QLocale::ShortFormat);
    if (minutes > 60)
        return makeError(ErrorCode::UserLockedOut,
                         //: %1 is the local date and time the lockout ends.
                         SignIn::tr("This account is locked until %1. An administrator can "
                                    "unlock it in the CRM.")
                             .arg(end));
    return makeError(ErrorCode::UserLockedOut,
                     //: %1 is the local time the lockout ends; %n the minutes until then.
                     SignIn::tr("Too many failed sign-ins: this account is locked until %1. Try "
                                "again in %n minute(s), or ask an administrator to unlock it.",
                                nullptr, int(minutes))
                         .arg(end));
}

// Nothing to compare with still costs what a real comparison costs, so the time an answer
// takes does not tell whether the user exists.
void spendComparableTime(const QString &password)
{
    static const Result<QString> dummy = Crypto::PasswordHasher::hash(u"easycrm-no-such-user");
    if (dummy)
        (void)Crypto::PasswordHasher::verify(dummy.value(), password);
}

Decision unknownUser(const std::optional<Candidate> &candidate, const QString &password)
{
    // A deleted user is invisible to the server (ABP's soft delete): logged as an unknown
    // name. Only someone who knows its password learns that it was deleted.
    Decision d{Contract::kSignInInvalidUserName, invalidCredentials(), {}, {}, {}};
    if (!candidate) {
        spendComparableTime(password);
        return d;
    }
    const auto verified = Crypto::PasswordHasher::verify(candidate->passwordHash, password);
    if (verified && verified.value() != Crypto::PasswordVerification::Failed)
        d.error = makeError(ErrorCode::UserDeleted,
                            SignIn::tr("The CRM user %1 has been deleted. An administrator can "
                                       "restore it in the CRM.")
                                .arg(candidate->userName));
    return d;
}

Decision wrongPassword(const Candidate &c, const QDateTime &now, const SignInPolicy &policy)
{
    // UserManager.AccessFailedAsync: at the limit, lock until now + lockout time and start
    // counting again. SignInManager then reports the lockout if lockout is enabled.
    Decision d{Contract::kSignInFailed, invalidCredentials(), c.accessFailedCount + 1, {}, {}};
    if (*d.accessFailedCount < policy.maxFailedAccessAttempts)
        return d;
    d.accessFailedCount = 0;
    d.lockoutEnd = now.addSecs(policy.lockoutSeconds);
    if (c.lockoutEnabled) {
        d.action = Contract::kSignInLockedOut;
        d.error = lockedOut(d.lockoutEnd, now);
    }
    return d;
}

Decision decide(const std::optional<Candidate> &candidate, const QString &password,
                const QDateTime &now, const SignInPolicy &policy)
{
    if (!candidate || candidate->isDeleted)
        return unknownUser(candidate, password);
    const Candidate &c = *candidate;
    // SignInManager.PreSignInCheck: not allowed, then locked out, before the password.
    if (!c.isActive)
        return {Contract::kSignInNotAllowed,
                makeError(ErrorCode::UserInactive,
                          SignIn::tr("The CRM user %1 is not active. An administrator can "
                                     "activate it in the CRM.")
                              .arg(c.userName)),
                {},
                {},
                {}};
    if (c.lockoutEnabled && c.lockoutEnd.isValid() && c.lockoutEnd > now)
        return {Contract::kSignInLockedOut, lockedOut(c.lockoutEnd, now), {}, {}, {}};
    const auto verified = Crypto::PasswordHasher::verify(c.passwordHash, password);
    if (!verified) // not the person's mistake: nothing counted against them
        return {Contract::kSignInFailed,
                verified.error(),
                {},
                {},
                errorCodeName(verified.error().code)};
    if (verified.value() == Crypto::PasswordVerification::Failed)
        return wrongPassword(c, now, policy);
    Decision d{Contract::kSignInSucceeded, {}, {}, {}, {}};
    if (c.accessFailedCount > 0)
        d.accessFailedCount = 0; // UserManager.ResetAccessFailedCountAsync
    return d;
}

// The user's row as UserManager.UpdateAsync leaves it: new ConcurrencyStamp, modification
// time and entity version, refused when another client changed the row since it was read.
Result<void> updateUser(Db::Database &db, const Candidate &c, const Decision &d,
                        const QDateTime &now)
{
    Db::SqlStatement st(db, QStringLiteral("signin.update-user"));
    QString sql = QStringLiteral("UPDATE \"AbpUsers\" SET \"AccessFailedCount\" = :Count, "
                                 "\"ConcurrencyStamp\" = :NewStamp, \"LastModificationTime\" = "
                                 ":Now, \"LastModifierId\" = NULL, \"EntityVersion\" = "
                                 "\"EntityVersion\" + 1");
    if (d.lockoutEnd.isValid())
        sql += QStringLiteral(", \"LockoutEnd\" = :LockoutEnd");
    sql += QStringLiteral(" WHERE \"Id\" = :Id AND ");
    sql += c.concurrencyStamp.isEmpty() ? QStringLiteral("\"ConcurrencyStamp\" IS NULL")
                                        : QStringLiteral("\"ConcurrencyStamp\" = :OldStamp");
    st.prepare(sql);
    st.bind(QStringLiteral(":Count"), *d.accessFailedCount);
    st.bind(QStringLiteral(":NewStamp"), Ids::newConcurrencyStamp());
    st.bind(QStringLiteral(":Now"), db.timestamp(now));
    if (d.lockoutEnd.isValid())
        st.bind(QStringLiteral(":LockoutEnd"), formatOffsetTime(db, d.lockoutEnd));
    st.bind(QStringLiteral(":Id"), db.guid(c.id));
    if (!c.concurrencyStamp.isEmpty())
        st.bind(QStringLiteral(":OldStamp"), c.concurrencyStamp);
    return st.execOneRow(ErrorCode::ConcurrencyConflict,
                         SignIn::tr("Another client changed this user at the same time. Try "
                                    "signing in again."));
}

struct Target
{
    std::optional<Db::TenantRecord> tenant;
    QString input; // the user name or e-mail address as typed, trimmed
};

Db::SecurityLogEntry logEntry(const Target &target, const std::optional<Candidate> &c,
                              const Decision &d, const QDateTime &now)
{
    // As IdentitySecurityLogManager writes it: the user's id and name when the name is
    // known, the tenant the sign-in was for.
    Db::SecurityLogEntry e;
    e.tenantId = target.tenant ? std::optional(target.tenant->id) : std::nullopt;
    e.tenantName = target.tenant ? target.tenant->name : QString();
    const bool known = c && !c->isDeleted;
    e.userId = known ? std::optional(c->id) : std::nullopt;
    e.userName = known ? c->userName : target.input;
    e.applicationName = Contract::kApplicationName;
    e.identity = Contract::kSignInIdentity;
    e.action = d.action;
    e.browserInfo = Contract::kClientName;
    if (!d.reason.isEmpty())
        e.extraProperties.insert(QStringLiteral("Reason"), d.reason);
    e.creationTime = now;
    return e;
}

// One attempt: read, decide, then write the user's bookkeeping and the log row together.
Result<SessionUser> attempt(Db::Database &db, const Target &target, const QString &password,
                            const Clock &clock, const SignInPolicy &policy)
{
    const std::optional<QUuid> tenantId =
        target.tenant ? std::optional(target.tenant->id) : std::nullopt;
    const auto candidate = findCandidate(db, tenantId, target.input);
    if (!candidate)
        return candidate.error();
    const QDateTime now = clock.nowUtc();
    const Decision d = decide(candidate.value(), password, now, policy);
    Db::Transaction tx(db);
    if (Result<void> r = tx.begin(); !r)
        return r.error();
    if (d.accessFailedCount) {
        if (Result<void> r = updateUser(db, *candidate.value(), d, now); !r)
            return r.error();
    }
    const Db::SecurityLogEntry entry = logEntry(target, candidate.value(), d, now);
    if (Result<void> r = Db::SecurityLogWriter(db).write(entry); !r)
        return r.error();
    if (Result<void> r = tx.commit(); !r)
        return r.error();
    qCInfo(lcService).noquote() << "sign-in:" << d.action;
    if (d.error.isError())
        return d.error;
    const Candidate &c = *candidate.value();
    auto granted = Db::IdentityReader(db).grantedPermissions(tenantId, c.id);
    if (!granted)
        return granted.error();
    return SessionUser{tenantId, entry.tenantName, c.id, c.userName, granted.value()};
}

Result<std::optional<Db::TenantRecord>> tenantNamed(Db::Database &db, const QString &name)
{
    if (name.isEmpty())
        return std::optional<Db::TenantRecord>();
    auto found = Db::IdentityReader(db).findTenantByName(name);
    if (!found)
        return found.error();
    if (!found.value())
        return makeError(ErrorCode::NotFound,
                         SignIn::tr("The CRM has no tenant named %1.").arg(name));
    return found.value();
}

} // namespace

Result<SessionUser> SignIn::signIn(Db::Database &db, const QString &tenantName,
                                   const QString &userNameOrEmail, const QString &password,
                                   const Clock &clock, const SignInPolicy &policy)
{
    auto tenant = tenantNamed(db, tenantName.trimmed());
    if (!tenant)
        return tenant.error();
    const Target target{tenant.value(), userNameOrEmail.trimmed()};
    if (target.input.isEmpty())
        return invalidCredentials();
    for (int round = 1;; ++round) {
        Result<SessionUser> result = attempt(db, target, password, clock, policy);
        if (result || result.error().code != ErrorCode::ConcurrencyConflict ||
            round == kConcurrencyRetries)
            return result;
        qCInfo(lcService) << "sign-in: the user's row changed meanwhile; reading it again";
    }
}

Result<SessionUser> SignIn::signIn(Db::Database &db, const CrmCredentials &credentials,
                                   const Clock &clock, const SignInPolicy &policy)
{
    return signIn(db, credentials.tenantName, credentials.userNameOrEmail,
                  credentials.password.text(), clock, policy);
}

} // namespace EasyCrm
