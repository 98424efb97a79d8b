#include "ui/databasepage.h"

#include "core/common/secret.h"
#include "ui/messagestrip.h"
#include "ui/theme.h"
#include "ui/wheelguard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

// The same measure as Social Integration, so the two pages line up.
constexpr int kMaxContentWidth = 880;

// What this page adds to the product's page sheet: its ground, the inputs, and the red of
// a field that needs fixing. The SSL mode combo keeps Fusion's own look: a style sheet on it
// would drop its arrow, and with it the sign that it opens.
const char kDatabaseSheet[] = R"(
QWidget#databasePage, QWidget#databaseContent { background: #f7f8fa; }
QScrollArea#databaseScroll { background: transparent; border: none; }
QLabel[role="cardTitle"] { color: #101828; }
QLabel[role="currentValue"] { color: #344054; }
QLabel[role="hint"] { color: #667085; }
QLabel[role="fieldError"] { color: #b42318; }
QLineEdit, QSpinBox {
    background: #ffffff; border: 1px solid #d0d5dd; border-radius: 6px; padding: 5px 8px;
    color: #101828; min-height: 20px;
}
QLineEdit:focus, QSpinBox:focus { border: 1px solid #84adff; }
QLineEdit:disabled, QSpinBox:disabled {
    background: #f2f4f7; color: #98a2b3;
}
QLineEdit[invalid="true"], QSpinBox[invalid="true"] {
    border: 1px solid #f04438;
}
QFrame#connectingPanel {
    background: #eff4ff; border: 1px solid #a4bcfd; border-radius: 8px;
}
QProgressBar#connectingProgress {
    background: #dbe6fe; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}
QProgressBar#connectingProgress::chunk { background: #2563eb; border-radius: 3px; }
)";

QLabel *plainLabel(const QString &role, QWidget *parent, const QString &text = {})
{
    auto *label = new QLabel(text, parent);
    // Host names, paths and server messages are shown as they are, never as markup.
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setProperty("role", role);
    return label;
}

QLineEdit *lineEdit(const QString &objectName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setClearButtonEnabled(false);
    return edit;
}

// Top-aligned with its input's text, also where a hint or a mistake makes the row taller.
QLabel *formLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setContentsMargins(0, 5, 0, 0);
    return label;
}

QFont scaledFont(const QFont &base, qreal factor, QFont::Weight weight)
{
    QFont font = base;
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setWeight(weight);
    return font;
}

} // namespace

DatabasePage::DatabasePage(QWidget *parent)
    : QWidget(parent)
    , m_messageStrip(new MessageStrip(this))
{
    setObjectName(QStringLiteral("databasePage"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(Theme::pageStyleSheet() + QString::fromUtf8(kDatabaseSheet));

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(16);
    buildHeader(column);
    column->addWidget(buildCurrentCard());
    column->addWidget(m_messageStrip);
    column->addWidget(buildFormCard());
    column->addWidget(buildConnectingPanel());
    column->addWidget(buildButtons());
    column->addStretch(1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildScroll(column));
    setKeychainAvailable(false);
}

// The column at the product's page width, scrolling where the window is short.
QWidget *DatabasePage::buildScroll(QVBoxLayout *column)
{
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("databaseContent"));
    auto *columnHolder = new QWidget(content);
    columnHolder->setMaximumWidth(kMaxContentWidth);
    columnHolder->setLayout(column);
    auto *contentLayout = new QHBoxLayout(content);
    contentLayout->setContentsMargins(32, 28, 32, 20);
    contentLayout->addWidget(columnHolder, 1);
    contentLayout->addStretch(0);
    auto *scroll = new QScrollArea(this);
    m_scroll = scroll;
    scroll->setObjectName(QStringLiteral("databaseScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(content);
    return scroll;
}

DatabasePage::~DatabasePage() = default;

void DatabasePage::buildHeader(QVBoxLayout *layout)
{
    auto *title = new QLabel(tr("Database"), this);
    title->setObjectName(QStringLiteral("pageTitle"));
    title->setFont(scaledFont(title->font(), 1.75, QFont::DemiBold));
    auto *description = new QLabel(tr("The CRM database this app reads and writes. In "
                                      "production that is your tenant's PostgreSQL database, "
                                      "shared with the EasyCRM server."),
                                   this);
    description->setObjectName(QStringLiteral("pageDescription"));
    description->setWordWrap(true);
    auto *header = new QVBoxLayout;
    header->setSpacing(4);
    header->addWidget(title);
    header->addWidget(description);
    layout->addLayout(header);
}

QWidget *DatabasePage::buildCurrentCard()
{
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("currentDatabaseCard"));
    card->setProperty("card", true);
    //: Heading of the card that names the database the app works on right now.
    auto *title = plainLabel(QStringLiteral("cardTitle"), card, tr("Open now"));
    title->setFont(scaledFont(title->font(), 1.05, QFont::DemiBold));
    m_currentKind = plainLabel(QStringLiteral("currentValue"), card);
    m_currentKind->setObjectName(QStringLiteral("currentDatabaseKind"));
    m_currentKind->setFont(scaledFont(m_currentKind->font(), 1.0, QFont::DemiBold));
    m_currentLocation = plainLabel(QStringLiteral("currentValue"), card);
    m_currentLocation->setObjectName(QStringLiteral("currentDatabaseLocation"));
    m_currentLocation->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_currentUser = plainLabel(QStringLiteral("hint"), card);
    m_currentUser->setObjectName(QStringLiteral("currentDatabaseUser"));
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(18, 14, 18, 14);
    layout->setSpacing(4);
    layout->addWidget(title);
    layout->addSpacing(4);
    layout->addWidget(m_currentKind);
    layout->addWidget(m_currentLocation);
    layout->addWidget(m_currentUser);
    return card;
}

QWidget *DatabasePage::buildFormCard()
{
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("postgresCard"));
    card->setProperty("card", true);
    m_formCard = card;
    auto *title = plainLabel(QStringLiteral("cardTitle"), card, tr("PostgreSQL CRM database"));
    title->setFont(scaledFont(title->font(), 1.05, QFont::DemiBold));
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setHorizontalSpacing(14);
    form->setVerticalSpacing(8);
    addServerRows(form);
    //: Heading above the tenant, CRM user and CRM password fields of the PostgreSQL form.
    auto *signIn = plainLabel(QStringLiteral("cardTitle"), card, tr("Sign in to EasyCRM"));
    signIn->setFont(scaledFont(signIn->font(), 1.0, QFont::DemiBold));
    signIn->setContentsMargins(0, 10, 0, 2);
    form->addRow(signIn);
    addSignInRows(form);

    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(18, 14, 18, 16);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addLayout(form);
    return card;
}

void DatabasePage::addServerRows(QFormLayout *form)
{
    QWidget *card = m_formCard;
    m_host = lineEdit(QStringLiteral("hostEdit"), card);
    m_host->setPlaceholderText(tr("crm-db.example.com"));
    m_port = new QSpinBox(card);
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setButtonSymbols(QAbstractSpinBox::NoButtons);
    m_port->setGroupSeparatorShown(false);
    m_port->setFixedWidth(110);
    takeWheelOnlyWhenFocused(m_port);
    m_database = lineEdit(QStringLiteral("databaseEdit"), card);
    m_user = lineEdit(QStringLiteral("userEdit"), card);
    QWidget *password = buildPasswordField(); // made in form order, which is the tab order
    m_sslMode = new QComboBox(card);
    m_sslMode->setObjectName(QStringLiteral("sslModeCombo"));
    takeWheelOnlyWhenFocused(m_sslMode);
    m_sslMode->setMinimumHeight(m_host->sizeHint().height()); // in line with the text fields
    m_sslMode->setToolTip(tr("How the connection is encrypted and whether the server's "
                             "certificate and host name are checked (libpq sslmode)"));

    form->addRow(formLabel(tr("Host"), card), withError(Field::Host, m_host));
    form->addRow(formLabel(tr("Port"), card), withError(Field::Port, m_port));
    form->addRow(formLabel(tr("Database"), card), withError(Field::Database, m_database));
    form->addRow(formLabel(tr("User"), card), withError(Field::User, m_user));
    form->addRow(formLabel(tr("Password"), card), password);
    form->addRow(formLabel(tr("SSL mode"), card), withError(Field::SslMode, m_sslMode));
}

// The password, what happens to it (keychain or asked each time), and whether to save it.
QWidget *DatabasePage::buildPasswordField()
{
    m_password = lineEdit(QStringLiteral("passwordEdit"), m_formCard);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setAccessibleName(tr("PostgreSQL password"));
    m_passwordHint = plainLabel(QStringLiteral("hint"), m_formCard);
    m_passwordHint->setObjectName(QStringLiteral("passwordHint"));
    m_rememberPassword = new QCheckBox(tr("Save the password in the system keychain"), m_formCard);
    m_rememberPassword->setObjectName(QStringLiteral("rememberPasswordCheck"));
    m_rememberPassword->setChecked(true);
    QWidget *field = withError(Field::Password, m_password);
    field->layout()->addWidget(m_passwordHint);
    field->layout()->addWidget(m_rememberPassword);
    return field;
}

void DatabasePage::addSignInRows(QFormLayout *form)
{
    m_tenant = lineEdit(QStringLiteral("tenantEdit"), m_formCard);
    //: Placeholder of the tenant field: an empty tenant means the host side of EasyCRM.
    m_tenant->setPlaceholderText(tr("Host (no tenant)"));
    m_userName = lineEdit(QStringLiteral("userNameEdit"), m_formCard);
    m_userName->setPlaceholderText(tr("admin"));
    m_userName->setAccessibleName(tr("EasyCRM user name or e-mail address"));
    QWidget *crmPassword = buildCrmPasswordField(); // after the user name: the tab order
    form->addRow(formLabel(tr("Tenant"), m_formCard),
                 withError(Field::Tenant, m_tenant, tr("Leave empty to sign in to the host.")));
    //: Label of the EasyCRM sign-in name, which may also be the user's e-mail address.
    form->addRow(formLabel(tr("User name or e-mail"), m_formCard),
                 withError(Field::UserName, m_userName));
    form->addRow(formLabel(tr("Password"), m_formCard), crmPassword);
}

// The EasyCRM password: checked against the CRM's users as its own login page does, then
// forgotten.
QWidget *DatabasePage::buildCrmPasswordField()
{
    m_crmPassword = lineEdit(QStringLiteral("crmPasswordEdit"), m_formCard);
    m_crmPassword->setEchoMode(QLineEdit::Password);
    m_crmPassword->setAccessibleName(tr("EasyCRM password"));
    return withError(Field::CrmPassword, m_crmPassword,
                     tr("Your EasyCRM password. It is checked by the CRM database and never "
                        "saved."));
}

// The input, a hint under it where it helps, and the line its mistake appears on.
QWidget *DatabasePage::withError(Field field, QWidget *input, const QString &hint)
{
    auto *holder = new QWidget(m_formCard);
    auto *layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    layout->addWidget(input);
    auto *error = plainLabel(QStringLiteral("fieldError"), holder);
    error->setObjectName(input->objectName() + QStringLiteral("Error"));
    error->hide();
    layout->addWidget(error);
    if (!hint.isEmpty())
        layout->addWidget(plainLabel(QStringLiteral("hint"), holder, hint));
    m_inputs.insert(field, input);
    m_errors.insert(field, error);
    return holder;
}

QWidget *DatabasePage::buildConnectingPanel()
{
    auto *panel = new QFrame(this);
    panel->setObjectName(QStringLiteral("connectingPanel"));
    m_connectingPanel = panel;
    m_connectingTitle = plainLabel(QStringLiteral("currentValue"), panel);
    m_connectingTitle->setObjectName(QStringLiteral("connectingTitle"));
    m_connectingTitle->setFont(scaledFont(m_connectingTitle->font(), 1.0, QFont::DemiBold));
    auto *detail = plainLabel(QStringLiteral("hint"), panel,
                              tr("Checking the server, the sign-in and the CRM tables. The "
                                 "database open now stays in use until this succeeds."));
    auto *progress = new QProgressBar(panel);
    progress->setObjectName(QStringLiteral("connectingProgress"));
    progress->setRange(0, 0); // indeterminate: a login has no measurable progress
    progress->setTextVisible(false);
    m_cancel = new QPushButton(tr("Cancel"), panel);
    m_cancel->setObjectName(QStringLiteral("cancelConnectButton"));
    m_cancel->setProperty("action", QStringLiteral("secondary"));
    connect(m_cancel, &QPushButton::clicked, this, &DatabasePage::onCancelClicked);

    auto *header = new QHBoxLayout;
    header->addWidget(m_connectingTitle, 1);
    header->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(16, 12, 16, 14);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(detail);
    layout->addWidget(progress);
    panel->hide();
    return panel;
}

QWidget *DatabasePage::buildButtons()
{
    auto *row = new QWidget(this);
    m_useEmbedded = new QPushButton(tr("Use the embedded database"), row);
    m_useEmbedded->setObjectName(QStringLiteral("useEmbeddedButton"));
    m_useEmbedded->setProperty("action", QStringLiteral("secondary"));
    m_useEmbedded->setToolTip(tr("Switch back to the local SQLite database of this computer"));
    m_connect = new QPushButton(tr("Connect"), row);
    m_connect->setObjectName(QStringLiteral("connectDatabaseButton"));
    m_connect->setProperty("action", QStringLiteral("connect"));
    m_connect->setDefault(true);
    connect(m_connect, &QPushButton::clicked, this, &DatabasePage::onConnectClicked);
    connect(m_useEmbedded, &QPushButton::clicked, this, &DatabasePage::embeddedRequested);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_useEmbedded);
    layout->addStretch(1);
    layout->addWidget(m_connect);
    // Enter in any field connects, as the default button of a dialog would.
    const QList<QLineEdit *> edits{m_host,   m_database, m_user,       m_password,
                                   m_tenant, m_userName, m_crmPassword};
    for (QLineEdit *edit : edits) {
        connect(edit, &QLineEdit::returnPressed, this, &DatabasePage::onConnectClicked);
        connect(edit, &QLineEdit::textEdited, this,
                [this, edit] { setFieldError(m_inputs.key(edit), {}); });
    }
    return row;
}

void DatabasePage::setSslModes(const QStringList &modes)
{
    const QString current = m_sslMode->currentText();
    m_sslMode->clear();
    m_sslMode->addItems(modes);
    if (modes.contains(current))
        m_sslMode->setCurrentText(current);
}

void DatabasePage::setConnection(const Connection &connection)
{
    m_host->setText(connection.host);
    m_port->setValue(connection.port);
    m_database->setText(connection.database);
    m_user->setText(connection.user);
    const int mode = m_sslMode->findText(connection.sslMode);
    if (mode >= 0)
        m_sslMode->setCurrentIndex(mode);
    m_tenant->setText(connection.tenantName);
    m_userName->setText(connection.userName);
    clearFieldErrors();
}

DatabasePage::Connection DatabasePage::connection() const
{
    Connection connection;
    connection.host = m_host->text().trimmed();
    connection.port = m_port->value();
    connection.database = m_database->text().trimmed();
    connection.user = m_user->text().trimmed();
    connection.sslMode = m_sslMode->currentText();
    connection.tenantName = m_tenant->text().trimmed();
    connection.userName = m_userName->text().trimmed();
    return connection;
}

void DatabasePage::setKeychainAvailable(bool available)
{
    m_keychainAvailable = available;
    m_rememberPassword->setVisible(available);
    if (available) {
        m_password->setPlaceholderText(tr("Saved in the system keychain"));
        m_passwordHint->setText(tr("Leave empty to use the password saved in the system "
                                   "keychain for this user and database."));
    } else {
        m_password->setPlaceholderText({});
        m_passwordHint->setText(tr("No system keychain is available, so the password is not "
                                   "saved: enter it each time you connect."));
    }
}

QString DatabasePage::hostProblem(const QString &host) const
{
    if (host.isEmpty())
        return tr("Enter the server's host name or IP address.");
    if (host.contains(u'/') || host.contains(u' ') || host.contains(u'@'))
        return tr("A host name has no spaces, slashes or @.");
    if (host.startsWith(u'['))
        return tr("Enter an IPv6 address without brackets.");
    // One colon is a port typed into the host; IPv6 addresses have at least two.
    if (host.count(u':') == 1)
        return tr("Enter the port in the Port field.");
    return {};
}

bool DatabasePage::validate()
{
    clearFieldErrors();
    const Connection values = connection();
    setFieldError(Field::Host, hostProblem(values.host));
    if (values.database.isEmpty())
        setFieldError(Field::Database, tr("Enter the name of the CRM database."));
    if (values.user.isEmpty())
        setFieldError(Field::User, tr("Enter the user the app signs in to PostgreSQL as."));
    if (values.sslMode.isEmpty())
        setFieldError(Field::SslMode, tr("Choose how the connection is secured."));
    if (values.userName.isEmpty())
        setFieldError(Field::UserName, tr("Enter your EasyCRM user name or e-mail address."));
    if (m_crmPassword->text().isEmpty())
        setFieldError(Field::CrmPassword, tr("Enter your EasyCRM password."));
    for (Field field : {Field::Host, Field::Database, Field::User, Field::SslMode, Field::UserName,
                        Field::CrmPassword}) {
        if (!fieldError(field).isEmpty()) {
            m_inputs.value(field)->setFocus(Qt::OtherFocusReason);
            return false;
        }
    }
    return true;
}

DatabasePage::Field DatabasePage::focusFirstMissing()
{
    const Connection values = connection();
    const QList<std::pair<Field, bool>> needed{{Field::Host, values.host.isEmpty()},
                                               {Field::Database, values.database.isEmpty()},
                                               {Field::User, values.user.isEmpty()},
                                               {Field::UserName, values.userName.isEmpty()},
                                               {Field::CrmPassword, true}};
    for (const auto &[field, missing] : needed) {
        if (!missing)
            continue;
        QWidget *input = m_inputs.value(field);
        input->setFocus(Qt::OtherFocusReason);
        m_scroll->ensureWidgetVisible(input);
        return field;
    }
    return Field::None;
}

QString DatabasePage::fieldError(Field field) const
{
    const QLabel *error = m_errors.value(field);
    return error && !error->isHidden() ? error->text() : QString();
}

QString DatabasePage::message() const
{
    return m_messageStrip->isHidden() ? QString() : m_messageStrip->text();
}

void DatabasePage::setFieldError(Field field, const QString &text)
{
    QLabel *error = m_errors.value(field);
    QWidget *input = m_inputs.value(field);
    if (!error || !input)
        return;
    error->setText(text);
    error->setVisible(!text.isEmpty());
    input->setAccessibleDescription(text);
    Theme::setStyleProperty(input, "invalid",
                            text.isEmpty() ? QStringLiteral("false") : QStringLiteral("true"));
}

void DatabasePage::clearFieldErrors()
{
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it)
        setFieldError(it.key(), {});
}

void DatabasePage::onConnectClicked()
{
    if (m_connecting || !validate())
        return;
    m_messageStrip->dismiss();
    // The passwords leave the widgets at once: neither is kept in the form after use, and
    // this page's copies are wiped once they are sent.
    QString password = m_password->text();
    m_password->clear();
    QString crmPassword = m_crmPassword->text();
    m_crmPassword->clear();
    emit connectRequested(connection(), password,
                          m_keychainAvailable && m_rememberPassword->isChecked(), crmPassword);
    wipe(password);
    wipe(crmPassword);
}

void DatabasePage::onCancelClicked()
{
    setConnecting(false);
    showInfo(tr("Connecting was cancelled. The database open before stays in use."));
    emit cancelRequested();
}

void DatabasePage::showCurrentDatabase(const QString &kind, const QString &location,
                                       const QString &signedIn)
{
    m_currentKind->setText(kind);
    m_currentLocation->setText(location);
    m_currentUser->setText(signedIn);
    m_currentUser->setVisible(!signedIn.isEmpty());
}

void DatabasePage::showConnecting(const QString &address)
{
    //: %1 is a PostgreSQL server and database, such as db.example.com:5432/crm.
    m_connectingTitle->setText(tr("Connecting to %1…").arg(address));
    setConnecting(true);
}

void DatabasePage::showOpened(const QString &message)
{
    setConnecting(false);
    clearFieldErrors();
    m_messageStrip->showMessage(MessageStrip::Kind::Success, message);
}

void DatabasePage::showConnectError(Field field, const QString &message, const QString &detail)
{
    setConnecting(false);
    clearFieldErrors();
    //: %1 is what went wrong in the person's words; %2 is the diagnostic from the connection.
    const QString text = detail.isEmpty() ? message : tr("%1\nDetails: %2").arg(message, detail);
    m_messageStrip->showMessage(MessageStrip::Kind::Error, text);
    if (QWidget *input = m_inputs.value(field)) {
        Theme::setStyleProperty(input, "invalid", QStringLiteral("true"));
        input->setAccessibleDescription(message);
        input->setFocus(Qt::OtherFocusReason);
    }
}

void DatabasePage::showSignInRefused(Field field, const QString &message)
{
    setConnecting(false);
    clearFieldErrors();
    // At the field alone, as a login form shows it: the form is where the person fixes it.
    m_messageStrip->dismiss();
    setFieldError(field, message);
    if (QWidget *input = m_inputs.value(field)) {
        input->setFocus(Qt::OtherFocusReason);
        m_scroll->ensureWidgetVisible(input);
    }
}

void DatabasePage::showInfo(const QString &message)
{
    m_messageStrip->showMessage(MessageStrip::Kind::Info, message);
}

void DatabasePage::setConnecting(bool connecting)
{
    m_connecting = connecting;
    m_formCard->setEnabled(!connecting);
    m_connect->setEnabled(!connecting);
    m_useEmbedded->setEnabled(!connecting);
    m_connectingPanel->setVisible(connecting);
    if (connecting)
        m_cancel->setFocus(Qt::OtherFocusReason);
}

} // namespace EasyCrm::Ui
