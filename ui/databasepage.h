#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QVBoxLayout;

namespace EasyCrm::Ui {

class MessageStrip;

// Settings — Database: which CRM database is open, and the form that opens a PostgreSQL
// one. Like the other pages it asks through signals and shows what it is told; app/ opens
// the database off the UI thread and reports back.
//
//   Connect ─► the form is checked here, each mistake shown under its field
//           ─► connectRequested(connection, password, remember, crmPassword)   (both password
//              fields are cleared at once) ─► showConnecting(address)
//           ─► showOpened(message) | showConnectError(field, message, detail)
//              | showSignInRefused(field, message)   (under the sign-in field to fix)
//   Cancel  ─► cancelRequested()                     (the form is usable again at once)
//   Use the embedded database ─► embeddedRequested()
class DatabasePage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatabasePage)

public:
    // The form's fields, to point a message at the one the person should fix.
    // Password is PostgreSQL's; CrmPassword the EasyCRM user's.
    enum class Field {
        None,
        Host,
        Port,
        Database,
        User,
        Password,
        SslMode,
        Tenant,
        UserName,
        CrmPassword
    };
    Q_ENUM(Field)

    struct Connection
    {
        QString host;
        int port = 5432;
        QString database;
        QString user;
        QString sslMode;
        QString tenantName; // empty = the host
        QString userName;   // the EasyCRM user name or e-mail address
    };

    explicit DatabasePage(QWidget *parent = nullptr);
    ~DatabasePage() override;

    // The libpq SSL modes to offer, in order; the first one is selected by default.
    void setSslModes(const QStringList &modes);
    void setConnection(const Connection &connection);
    // The form's values, trimmed.
    [[nodiscard]] Connection connection() const;

    // With a keychain the password may be left empty (the saved one is used) and can be
    // saved; without one it is asked for each time.
    void setKeychainAvailable(bool available);
    [[nodiscard]] bool isKeychainAvailable() const { return m_keychainAvailable; }

    // Checks the form and shows each mistake under its field; true when it can be sent.
    [[nodiscard]] bool validate();
    // The mistake shown under `field`, or empty.
    [[nodiscard]] QString fieldError(Field field) const;
    [[nodiscard]] bool isConnecting() const { return m_connecting; }
    [[nodiscard]] QString message() const;
    // Focuses the first field that is empty but needed (the EasyCRM password at the latest)
    // and returns it, for a form the command line filled in.
    Field focusFirstMissing();

signals:
    // `password` is PostgreSQL's (empty: the keychain's); `crmPassword` signs the EasyCRM
    // user in. Neither stays in the form.
    void connectRequested(const EasyCrm::Ui::DatabasePage::Connection &connection,
                          const QString &password, bool rememberPassword,
                          const QString &crmPassword);
    void cancelRequested();
    void embeddedRequested();

public slots:
    // What is open now: its kind ("PostgreSQL"), where it is, and who is signed in.
    void showCurrentDatabase(const QString &kind, const QString &location, const QString &signedIn);
    void showConnecting(const QString &address);
    void showOpened(const QString &message);
    void showConnectError(EasyCrm::Ui::DatabasePage::Field field, const QString &message,
                          const QString &detail = {});
    // The CRM refused the sign-in: `message` under `field` (tenant, user name or password).
    void showSignInRefused(EasyCrm::Ui::DatabasePage::Field field, const QString &message);
    void showInfo(const QString &message);

private:
    void buildHeader(QVBoxLayout *layout);
    QWidget *buildScroll(QVBoxLayout *column);
    QWidget *buildCurrentCard();
    QWidget *buildFormCard();
    QWidget *buildConnectingPanel();
    QWidget *buildButtons();
    void addServerRows(QFormLayout *form);
    QWidget *buildPasswordField();
    void addSignInRows(QFormLayout *form);
    QWidget *buildCrmPasswordField();
    QWidget *withError(Field field, QWidget *input, const QString &hint = {});
    void setFieldError(Field field, const QString &text);
    void clearFieldErrors();
    [[nodiscard]] QString hostProblem(const QString &host) const;
    void onConnectClicked();
    void onCancelClicked();
    void setConnecting(bool connecting);

    bool m_keychainAvailable = false;
    bool m_connecting = false;
    QLabel *m_currentKind = nullptr;
    QLabel *m_currentLocation = nullptr;
    QLabel *m_currentUser = nullptr;
    MessageStrip *m_messageStrip = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_passwordHint = nullptr;
    QCheckBox *m_rememberPassword = nullptr;
    QComboBox *m_sslMode = nullptr;
    QLineEdit *m_tenant = nullptr;
    QLineEdit *m_userName = nullptr;
    QLineEdit *m_crmPassword = nullptr;
    QHash<Field, QWidget *> m_inputs;
    QHash<Field, QLabel *> m_errors;
    QScrollArea *m_scroll = nullptr;
    QWidget *m_formCard = nullptr;
    QWidget *m_connectingPanel = nullptr;
    QLabel *m_connectingTitle = nullptr;
    QPushButton *m_connect = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_useEmbedded = nullptr;
};

} // namespace EasyCrm::Ui

Q_DECLARE_METATYPE(EasyCrm::Ui::DatabasePage::Connection)
