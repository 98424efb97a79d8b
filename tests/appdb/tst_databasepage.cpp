// Settings — Database on its own: what the form accepts, where each mistake is shown, what
// leaves the page when the person clicks Connect, and how an error from opening is shown.
#include "models/translations.h"
#include "tests/ui/screenshot.h"
#include "ui/databasepage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace EasyCrm;
using Page = EasyCrm::Ui::DatabasePage;
using Field = EasyCrm::Ui::DatabasePage::Field;

Q_DECLARE_METATYPE(EasyCrm::Ui::DatabasePage::Field)

namespace {

const QStringList kSslModes{QStringLiteral("disable"), QStringLiteral("prefer"),
                            QStringLiteral("require"), QStringLiteral("verify-full")};

Page::Connection validConnection()
{
    Page::Connection connection;
    connection.host = QStringLiteral("crm-db.example.com");
    connection.port = 5433;
    connection.database = QStringLiteral("easycrm");
    connection.user = QStringLiteral("crm_app");
    connection.sslMode = QStringLiteral("verify-full");
    connection.tenantName = QStringLiteral("Acme");
    connection.userName = QStringLiteral("alice");
    return connection;
}

} // namespace

class TestDatabasePage final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void aValidFormIsSentTrimmedWithThePassword();
    void invalidInputStaysOnThePageWithItsMessage_data();
    void invalidInputStaysOnThePageWithItsMessage();
    void typingInAFieldClearsItsMistake();
    void emptyTenantMeansTheHost();
    void passwordFieldIsClearedWhenSent();
    void withoutKeychainThePasswordIsNeverRemembered();
    void withKeychainRememberingIsOfferedAndFollowed();
    void connectingDisablesTheFormAndCancelGivesItBack();
    void openErrorsAreShownInlineAtTheirField_data();
    void openErrorsAreShownInlineAtTheirField();
    void signInRefusalsAreShownUnderTheirField_data();
    void signInRefusalsAreShownUnderTheirField();
    void theFocusGoesToWhatIsMissing();
    void serverTextIsShownAsPlainText();
    void currentDatabaseIsShown();
    void tabGoesThroughTheFormInReadingOrder();
    void screenshots_data();
    void screenshots();

private:
    template<typename T> T *child(const char *name) const
    {
        return m_page->findChild<T *>(QString::fromLatin1(name));
    }
    void clickConnect() const;
    bool isMarked(const char *inputName) const;

    std::unique_ptr<Page> m_page;
};

void TestDatabasePage::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestDatabasePage::init()
{
    m_page = std::make_unique<Page>();
    m_page->setSslModes(kSslModes);
    m_page->setConnection(validConnection());
    child<QLineEdit>("crmPasswordEdit")->setText(QStringLiteral("crm-pass"));
    m_page->resize(820, 900);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestDatabasePage::cleanup()
{
    m_page.reset();
}

void TestDatabasePage::clickConnect() const
{
    QTest::mouseClick(child<QPushButton>("connectDatabaseButton"), Qt::LeftButton);
}

bool TestDatabasePage::isMarked(const char *inputName) const
{
    const QWidget *input = child<QWidget>(inputName);
    return input && input->property("invalid").toString() == u"true";
}

void TestDatabasePage::aValidFormIsSentTrimmedWithThePassword()
{
    child<QLineEdit>("hostEdit")->setText(QStringLiteral("  crm-db.example.com \t"));
    child<QLineEdit>("userNameEdit")->setText(QStringLiteral(" alice "));
    QTest::keyClicks(child<QLineEdit>("passwordEdit"), QStringLiteral(" s3cret pass "));
    QSignalSpy requested(m_page.get(), &Page::connectRequested);

    clickConnect();

    QCOMPARE(requested.size(), 1);
    const auto sent = requested.at(0).at(0).value<Page::Connection>();
    QCOMPARE(sent.host, QStringLiteral("crm-db.example.com"));
    QCOMPARE(sent.port, 5433);
    QCOMPARE(sent.database, QStringLiteral("easycrm"));
    QCOMPARE(sent.user, QStringLiteral("crm_app"));
    QCOMPARE(sent.sslMode, QStringLiteral("verify-full"));
    QCOMPARE(sent.tenantName, QStringLiteral("Acme"));
    QCOMPARE(sent.userName, QStringLiteral("alice"));
    // A password is sent as typed: its spaces are part of it.
    QCOMPARE(requested.at(0).at(1).toString(), QStringLiteral(" s3cret pass "));
    QCOMPARE(requested.at(0).at(3).toString(), QStringLiteral("crm-pass"));
    QVERIFY(m_page->message().isEmpty());
}

void TestDatabasePage::invalidInputStaysOnThePageWithItsMessage_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("value");
    QTest::addColumn<Field>("field");
    QTest::addColumn<QString>("message");

    const auto row = [](const char *name, const char *input, const char *value, Field field,
                        const char *message) {
        QTest::newRow(name) << QString::fromLatin1(input) << QString::fromUtf8(value) << field
                            << QString::fromUtf8(message);
    };
    row("empty-host", "hostEdit", "", Field::Host, "Enter the server's host name or IP address.");
    row("blank-host", "hostEdit", "   ", Field::Host,
        "Enter the server's host name or IP address.");
    row("port-typed-into-host", "hostEdit", "db.example.com:5433", Field::Host,
        "Enter the port in the Port field.");
    row("url-as-host", "hostEdit", "postgres://db.example.com/crm", Field::Host,
        "A host name has no spaces, slashes or @.");
    row("user-at-host", "hostEdit", "crm_app@db.example.com", Field::Host,
        "A host name has no spaces, slashes or @.");
    row("bracketed-ipv6", "hostEdit", "[::1]", Field::Host,
        "Enter an IPv6 address without brackets.");
    row("empty-database", "databaseEdit", "", Field::Database,
        "Enter the name of the CRM database.");
    row("empty-user", "userEdit", " ", Field::User,
        "Enter the user the app signs in to PostgreSQL as.");
    row("empty-crm-user-name", "userNameEdit", "", Field::UserName,
        "Enter your EasyCRM user name or e-mail address.");
    row("empty-crm-password", "crmPasswordEdit", "", Field::CrmPassword,
        "Enter your EasyCRM password.");
}

void TestDatabasePage::invalidInputStaysOnThePageWithItsMessage()
{
    QFETCH(QString, input);
    QFETCH(QString, value);
    QFETCH(Field, field);
    QFETCH(QString, message);
    auto *edit = m_page->findChild<QLineEdit *>(input);
    QVERIFY(edit);
    edit->setText(value);
    QSignalSpy requested(m_page.get(), &Page::connectRequested);

    clickConnect();

    QCOMPARE(requested.size(), 0);
    QCOMPARE(m_page->fieldError(field), message);
    QVERIFY(isMarked(qPrintable(input)));
    QTRY_COMPARE(QApplication::focusWidget(), edit);
    // Only the field at fault is marked.
    for (const char *other :
         {"hostEdit", "databaseEdit", "userEdit", "userNameEdit", "crmPasswordEdit"}) {
        if (input != QLatin1String(other))
            QVERIFY2(!isMarked(other), other);
    }
}

void TestDatabasePage::typingInAFieldClearsItsMistake()
{
    child<QLineEdit>("databaseEdit")->clear();
    clickConnect();
    QVERIFY(!m_page->fieldError(Field::Database).isEmpty());

    QTest::keyClicks(child<QLineEdit>("databaseEdit"), QStringLiteral("crm"));

    QVERIFY(m_page->fieldError(Field::Database).isEmpty());
    QVERIFY(!isMarked("databaseEdit"));
}

void TestDatabasePage::emptyTenantMeansTheHost()
{
    child<QLineEdit>("tenantEdit")->clear();
    QSignalSpy requested(m_page.get(), &Page::connectRequested);
    clickConnect();
    QCOMPARE(requested.size(), 1);
    QVERIFY(requested.at(0).at(0).value<Page::Connection>().tenantName.isEmpty());
}

void TestDatabasePage::passwordFieldIsClearedWhenSent()
{
    auto *password = child<QLineEdit>("passwordEdit");
    auto *crmPassword = child<QLineEdit>("crmPasswordEdit");
    QCOMPARE(password->echoMode(), QLineEdit::Password);
    QCOMPARE(crmPassword->echoMode(), QLineEdit::Password);
    QTest::keyClicks(password, QStringLiteral("s3cret"));
    clickConnect();
    QVERIFY(password->text().isEmpty());
    QVERIFY(crmPassword->text().isEmpty());
    // The next Connect needs the CRM password typed again.
    QSignalSpy requested(m_page.get(), &Page::connectRequested);
    clickConnect();
    QCOMPARE(requested.size(), 0);
    QCOMPARE(m_page->fieldError(Field::CrmPassword),
             QStringLiteral("Enter your EasyCRM password."));
}

void TestDatabasePage::withoutKeychainThePasswordIsNeverRemembered()
{
    m_page->setKeychainAvailable(false);
    QVERIFY(child<QCheckBox>("rememberPasswordCheck")->isHidden());
    QVERIFY(child<QLabel>("passwordHint")->text().contains(u"enter it each time"));
    QSignalSpy requested(m_page.get(), &Page::connectRequested);
    clickConnect();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(2).toBool(), false);
}

void TestDatabasePage::withKeychainRememberingIsOfferedAndFollowed()
{
    m_page->setKeychainAvailable(true);
    auto *remember = child<QCheckBox>("rememberPasswordCheck");
    QVERIFY(remember->isVisible());
    QVERIFY(remember->isChecked());
    QSignalSpy requested(m_page.get(), &Page::connectRequested);
    clickConnect();
    remember->setChecked(false);
    child<QLineEdit>("crmPasswordEdit")->setText(QStringLiteral("crm-pass"));
    clickConnect();
    QCOMPARE(requested.size(), 2);
    QCOMPARE(requested.at(0).at(2).toBool(), true);
    QCOMPARE(requested.at(1).at(2).toBool(), false);
}

void TestDatabasePage::connectingDisablesTheFormAndCancelGivesItBack()
{
    QSignalSpy requested(m_page.get(), &Page::connectRequested);
    QSignalSpy cancelled(m_page.get(), &Page::cancelRequested);
    m_page->showConnecting(QStringLiteral("crm-db.example.com:5433/easycrm"));
    QVERIFY(m_page->isConnecting());
    QVERIFY(!child<QLineEdit>("hostEdit")->isEnabled());
    QVERIFY(!child<QPushButton>("useEmbeddedButton")->isEnabled());
    QCOMPARE(child<QLabel>("connectingTitle")->text(),
             QStringLiteral("Connecting to crm-db.example.com:5433/easycrm…"));
    // A second Connect (Enter in a field) while one is pending sends nothing.
    QTest::keyClick(child<QLineEdit>("hostEdit"), Qt::Key_Return);
    QCOMPARE(requested.size(), 0);

    QTest::mouseClick(child<QPushButton>("cancelConnectButton"), Qt::LeftButton);

    QCOMPARE(cancelled.size(), 1);
    QVERIFY(!m_page->isConnecting());
    QVERIFY(child<QLineEdit>("hostEdit")->isEnabled());
    QVERIFY(child<QWidget>("connectingPanel")->isHidden());
    QVERIFY(m_page->message().contains(u"cancelled"));
}

void TestDatabasePage::openErrorsAreShownInlineAtTheirField_data()
{
    QTest::addColumn<Field>("field");
    QTest::addColumn<QString>("input");
    QTest::newRow("unreachable-server") << Field::Host << QStringLiteral("hostEdit");
    QTest::newRow("bad-credentials") << Field::Password << QStringLiteral("passwordEdit");
    QTest::newRow("not-a-crm-database") << Field::Database << QStringLiteral("databaseEdit");
    QTest::newRow("unknown-crm-user") << Field::UserName << QStringLiteral("userNameEdit");
    QTest::newRow("ssl-refused") << Field::SslMode << QStringLiteral("sslModeCombo");
}

void TestDatabasePage::openErrorsAreShownInlineAtTheirField()
{
    QFETCH(Field, field);
    QFETCH(QString, input);
    m_page->showConnecting(QStringLiteral("crm-db.example.com:5433/easycrm"));
    const QString message = QStringLiteral("The CRM database lacks AbpAuditLogs.ApplicationName.");

    m_page->showConnectError(field, message, QStringLiteral("what the server said"));

    QVERIFY(!m_page->isConnecting());
    QCOMPARE(m_page->message(), message + QStringLiteral("\nDetails: what the server said"));
    QVERIFY(isMarked(qPrintable(input)));
    QTRY_COMPARE(QApplication::focusWidget(), m_page->findChild<QWidget *>(input));
    // Inline only: no window other than the page appeared.
    const QWidgetList windows = QApplication::topLevelWidgets();
    QCOMPARE(std::count_if(windows.cbegin(), windows.cend(),
                           [](const QWidget *w) { return w->isVisible(); }),
             1);
}

void TestDatabasePage::signInRefusalsAreShownUnderTheirField_data()
{
    QTest::addColumn<Field>("field");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown-tenant") << Field::Tenant << QStringLiteral("tenantEdit")
                                    << QStringLiteral("The CRM has no tenant named Acme.");
    QTest::newRow("wrong-password")
        << Field::CrmPassword << QStringLiteral("crmPasswordEdit")
        << QStringLiteral("The user name, e-mail address or password is not correct.");
    QTest::newRow("locked-out")
        << Field::UserName << QStringLiteral("userNameEdit")
        << QStringLiteral("Too many failed sign-ins: this account is locked until 14:35. Try "
                          "again in 5 minutes, or ask an administrator to unlock it.");
}

void TestDatabasePage::signInRefusalsAreShownUnderTheirField()
{
    QFETCH(Field, field);
    QFETCH(QString, input);
    QFETCH(QString, message);
    m_page->showConnecting(QStringLiteral("crm-db.example.com:5433/easycrm"));

    m_page->showSignInRefused(field, message);

    QVERIFY(!m_page->isConnecting());
    QCOMPARE(m_page->fieldError(field), message);
    QVERIFY(isMarked(qPrintable(input)));
    QTRY_COMPARE(QApplication::focusWidget(), m_page->findChild<QWidget *>(input));
    // At the field alone: the strip above the form stays away.
    QVERIFY(m_page->message().isEmpty());
    for (Field other : {Field::Tenant, Field::UserName, Field::CrmPassword}) {
        if (other != field)
            QVERIFY(m_page->fieldError(other).isEmpty());
    }
    // Typing the fix takes the mistake away.
    QTest::keyClicks(m_page->findChild<QWidget *>(input), QStringLiteral("x"));
    QVERIFY(m_page->fieldError(field).isEmpty());
}

void TestDatabasePage::theFocusGoesToWhatIsMissing()
{
    // Everything the command line can give is there: the CRM password is what is left.
    child<QLineEdit>("crmPasswordEdit")->clear();
    QCOMPARE(m_page->focusFirstMissing(), Field::CrmPassword);
    QTRY_COMPARE(QApplication::focusWidget(), child<QWidget>("crmPasswordEdit"));
    child<QLineEdit>("userNameEdit")->clear();
    QCOMPARE(m_page->focusFirstMissing(), Field::UserName);
    child<QLineEdit>("databaseEdit")->clear();
    QCOMPARE(m_page->focusFirstMissing(), Field::Database);
    QTRY_COMPARE(QApplication::focusWidget(), child<QWidget>("databaseEdit"));
}

void TestDatabasePage::serverTextIsShownAsPlainText()
{
    m_page->showConnectError(Field::None, QStringLiteral("Refused."),
                             QStringLiteral("<b>role \"x\"</b> does not exist"));
    auto *text = m_page->findChild<QLabel *>(QStringLiteral("messageText"));
    QVERIFY(text);
    QCOMPARE(text->textFormat(), Qt::PlainText);
    QVERIFY(text->text().contains(u"<b>role"));
}

void TestDatabasePage::currentDatabaseIsShown()
{
    m_page->showCurrentDatabase(QStringLiteral("PostgreSQL"),
                                QStringLiteral("crm-db.example.com:5433/easycrm as crm_app"),
                                QStringLiteral("Signed in as alice on tenant Acme"));
    QCOMPARE(child<QLabel>("currentDatabaseKind")->text(), QStringLiteral("PostgreSQL"));
    QCOMPARE(child<QLabel>("currentDatabaseLocation")->text(),
             QStringLiteral("crm-db.example.com:5433/easycrm as crm_app"));
    QVERIFY(child<QLabel>("currentDatabaseUser")->isVisible());
}

void TestDatabasePage::tabGoesThroughTheFormInReadingOrder()
{
    m_page->setKeychainAvailable(false);
    const QStringList order{QStringLiteral("hostEdit"),       QStringLiteral("portSpin"),
                            QStringLiteral("databaseEdit"),   QStringLiteral("userEdit"),
                            QStringLiteral("passwordEdit"),   QStringLiteral("sslModeCombo"),
                            QStringLiteral("tenantEdit"),     QStringLiteral("userNameEdit"),
                            QStringLiteral("crmPasswordEdit")};
    child<QLineEdit>("hostEdit")->setFocus();
    QTRY_COMPARE(QApplication::focusWidget()->objectName(), order.first());
    for (qsizetype i = 1; i < order.size(); ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget()->objectName(), order.at(i));
    }
}

void TestDatabasePage::screenshots_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("form") << QStringLiteral("database-page");
    QTest::newRow("connecting") << QStringLiteral("database-page-connecting");
    QTest::newRow("not-a-crm-database") << QStringLiteral("database-page-error");
    QTest::newRow("sign-in-refused") << QStringLiteral("database-page-sign-in-refused");
}

void TestDatabasePage::screenshots()
{
    QFETCH(QString, name);
    m_page->setKeychainAvailable(false);
    m_page->showCurrentDatabase(
        QStringLiteral("Embedded database (SQLite)"),
        QStringLiteral("/home/alice/.local/share/EasyCRM/EasyCRM Social Connect/crm.sqlite"),
        QStringLiteral("Signed in as admin on tenant Local"));
    if (name.endsWith(u"connecting"))
        m_page->showConnecting(QStringLiteral("crm-db.example.com:5433/easycrm"));
    if (name.endsWith(u"error"))
        m_page->showConnectError(Field::Database,
                                 QStringLiteral("crm-db.example.com:5433/easycrm is not an "
                                                "EasyCRM database: the column "
                                                "AbpAuditLogs.ApplicationName is missing."));
    if (name.endsWith(u"refused")) {
        child<QLineEdit>("crmPasswordEdit")->clear(); // Connect took it
        m_page->showSignInRefused(Field::CrmPassword,
                                  QStringLiteral("The user name, e-mail address or password is "
                                                 "not correct."));
    }
    const QString path = Testing::saveScreenshot(*m_page, name);
    QVERIFY2(!path.isEmpty(), qPrintable(name));
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_page->size() * m_page->devicePixelRatio());
}

QTEST_MAIN(TestDatabasePage)
#include "tst_databasepage.moc"
