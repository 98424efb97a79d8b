#pragma once

// Signing a CRM user in against the CRM database, with the rules of the CRM server's
// ASP.NET Core Identity (SignInManager.PasswordSignInAsync as ABP configures it):
//
//   tenant by name (empty = host) ─► user by user name, else by e-mail, within that tenant
//     ─► not active?            refused (LoginNotAllowed)
//     ─► locked out until later? refused (LoginLockedout)
//     ─► password (Identity v3 hash)
//          wrong: AccessFailedCount + 1; at the limit LockoutEnd = now + lockout time and the
//                 count starts again (LoginFailed, or LoginLockedout when that locked it)
//          right: AccessFailedCount back to 0 (LoginSucceeded)
//
// Each outcome writes one AbpSecurityLogs row with ABP's own action name, in the same
// transaction as the user's row update (optimistic concurrency on ConcurrencyStamp).

#include "core/common/clock.h"
#include "core/common/result.h"
#include "core/common/secret.h"
#include "core/service/sessionuser.h"

#include <QCoreApplication>
#include <QString>

namespace EasyCrm::Db {
class Database;
}

namespace EasyCrm {

// ABP Identity's lockout settings (Abp.Identity.Lockout.*), at their defaults.
struct SignInPolicy
{
    int maxFailedAccessAttempts = 5;
    qint64 lockoutSeconds = 5 * 60;
};

// What a person signs in with, as the CRM's own login page asks for it. The password is
// wiped when the last copy of it goes.
struct CrmCredentials
{
    QString tenantName;      // empty = host
    QString userNameOrEmail; // tried as a user name first, then as an e-mail address
    SecretString password;
};

class SignIn final
{
    Q_DECLARE_TR_FUNCTIONS(SignIn)

public:
    // Errors: NotFound (no such tenant), InvalidCredentials (unknown user or wrong password,
    // never told apart), UserInactive, UserLockedOut, UserDeleted (told only to someone who
    // knows the password), PasswordHashUnsupported, ConcurrencyConflict, database errors.
    // Neither the password nor its hash reaches a message, a log line or the database.
    [[nodiscard]] static Result<SessionUser> signIn(Db::Database &db, const QString &tenantName,
                                                    const QString &userNameOrEmail,
                                                    const QString &password, const Clock &clock,
                                                    const SignInPolicy &policy = {});
    [[nodiscard]] static Result<SessionUser> signIn(Db::Database &db,
                                                    const CrmCredentials &credentials,
                                                    const Clock &clock,
                                                    const SignInPolicy &policy = {});
};

} // namespace EasyCrm
