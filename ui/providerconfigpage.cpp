#include "ui/providerconfigpage.h"

#include "core/service/crmcontract.h"
#include "ui/configcheckpanel.h"
#include "ui/messagestrip.h"
#include "ui/theme.h"
#include "ui/wheelguard.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace EasyCrm::Ui {

namespace {

// The same measure as the other settings pages, so they line up.
constexpr int kMaxContentWidth = 880;
constexpr int kListWidth = 236;
constexpr int kEntryBadge = 28;
constexpr int kEditorBadge = 40;
constexpr int kDotSize = 8;
constexpr int kScopeProperty = Qt::UserRole + 1;

// What this page adds to the product's page sheet: its ground, the provider list, the chips
// that mark scopes and states, the inputs and the red of a field that needs fixing.
const char kProvidersSheet[] = R"(
QWidget#providerConfigPage, QWidget#providerConfigContent { background: #f7f8fa; }
QScrollArea#providerConfigScroll { background: transparent; border: none; }
QListWidget#providerConfigList { background: transparent; border: none; outline: 0; }
QListWidget#providerConfigList::item { border-radius: 6px; margin: 1px 0px; }
QListWidget#providerConfigList::item:hover:!selected { background: #f2f4f7; }
QListWidget#providerConfigList::item:selected { background: #eff4ff; }
QLabel[role="listTitle"] { color: #667085; }
QLabel[role="entryName"], QLabel[role="cardTitle"] { color: #101828; }
QLabel[role="entryState"] { color: #667085; }
QLabel[role="entryDot"] { background: #d0d5dd; border-radius: 4px; }
QLabel[role="entryDot"][state="enabled"] { background: #17b26a; }
QLabel[role="entryDot"][state="disabled"] { background: #98a2b3; }
QLabel[role="hint"] { color: #667085; }
QLabel[role="fieldError"] { color: #b42318; }
QLabel[role="originTitle"] { color: #101828; }
QLabel[role="originText"] { color: #475467; }
QLabel[role="chip"] {
    background: #f2f4f7; color: #475467; border: 1px solid #e4e7ec; border-radius: 8px;
    padding: 1px 8px; min-height: 16px;
}
QLabel[role="chip"][kind="protocol"] { background: #eff8ff; color: #175cd3; border-color: #b2ddff; }
QLabel[role="chip"][kind="approval"] { background: #fffaeb; color: #b54708; border-color: #fedf89; }
QLabel[role="chip"][kind="enabled"] { background: #ecfdf3; color: #067647; border-color: #abefc6; }
QFrame#originBar { background: #f9fafb; border: 1px solid #eaecf0; border-radius: 6px; }
QFrame[role="divider"] { background: #eaecf0; border: none; min-height: 1px; max-height: 1px; }
QLineEdit, QSpinBox {
    background: #ffffff; border: 1px solid #d0d5dd; border-radius: 6px; padding: 5px 8px;
    color: #101828; min-height: 20px;
}
QLineEdit:focus, QSpinBox:focus { border: 1px solid #84adff; }
QLineEdit:disabled, QSpinBox:disabled { background: #f2f4f7; color: #98a2b3; }
QLineEdit[invalid="true"], QSpinBox[invalid="true"] { border: 1px solid #f04438; }
QToolButton#endpointToggle {
    border: none; color: #344054; font-weight: 600; padding: 4px 0px; background: transparent;
}
QToolButton#endpointToggle:hover { color: #1d4ed8; }
QFrame#configCheckPanel { background: #ffffff; border: 1px solid #e4e7ec; border-radius: 8px; }
QLabel#checkTitle, QLabel#checkRowTitle { color: #101828; }
QLabel#checkSummary, QLabel#checkRowText { color: #475467; }
QLabel#checkSummary[verdict="passed"] { color: #067647; }
QLabel#checkSummary[verdict="failed"] { color: #b42318; }
QLabel#checkVerdict { color: #ffffff; border-radius: 9px; font-weight: 700; }
QLabel#checkVerdict[verdict="passed"] { background: #17b26a; }
QLabel#checkVerdict[verdict="failed"] { background: #f04438; }
QLabel#checkVerdict[verdict="skipped"] { background: #98a2b3; }
QProgressBar#checkProgress {
    background: #dbe6fe; border: none; border-radius: 3px; max-height: 6px; min-height: 6px;
}
QProgressBar#checkProgress::chunk { background: #2563eb; border-radius: 3px; }
)";

QLabel *plainLabel(const QString &role, QWidget *parent, const QString &text = {})
{
    auto *label = new QLabel(text, parent);
    // Names, scopes and addresses come from configuration: never rich text.
    label->setTextFormat(Qt::PlainText);
    label->setProperty("role", role);
    return label;
}

QLabel *chip(const QString &kind, const QString &text, QWidget *parent)
{
    auto *label = plainLabel(QStringLiteral("chip"), parent, text);
    label->setProperty("kind", kind);

    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    label->setFont(font);
    return label;
}

// Top-aligned with its input's text, also where a hint or a mistake makes the row taller.
QLabel *formLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setContentsMargins(0, 5, 0, 0);
    return label;
}

QFrame *divider(QWidget *parent)
{
    auto *line = new QFrame(parent);
    line->setProperty("role", QStringLiteral("divider"));
    return line;
}

QFont scaledFont(const QFont &base, qreal factor, QFont::Weight weight)
{
    QFont font = base;
    font.setPointSizeF(font.pointSizeF() * factor);
    font.setWeight(weight);
    return font;
}

// The provider's initial on its calm colour, as Social Integration shows it.
QString badgeSheet(const QString &providerKey, int size)
{
    return QStringLiteral("background: %1; color: #ffffff; border-radius: %2px; "
                          "font-weight: 700;")
        .arg(Theme::badgeColour(providerKey).name())
        .arg(size / 2);
}

QLabel *badge(const QString &providerKey, int size, QWidget *parent)
{
    auto *label = plainLabel(QStringLiteral("badge"), parent);
    label->setFixedSize(size, size);
    label->setAlignment(Qt::AlignCenter);
    label->setStyleSheet(badgeSheet(providerKey, size));
    return label;
}

QString stateName(const ProviderSettings &s)
{
    if (s.isConfigured())
        return QStringLiteral("enabled");
    return s.origin == ConfigOrigin::NotConfigured ? QStringLiteral("none")
                                                   : QStringLiteral("disabled");
}

QString stateText(const ProviderSettings &s)
{
    if (s.isConfigured())
        return ProviderConfigPage::tr("Enabled");
    if (s.enabled)
        //: Enabled in the stored settings, but without the client ID connecting needs.
        return ProviderConfigPage::tr("Needs a client ID");
    return s.origin == ConfigOrigin::NotConfigured ? ProviderConfigPage::tr("Not configured")
                                                   : ProviderConfigPage::tr("Disabled");
}

// A tenant user sees where each provider's values come from right in the list.
QString entryText(const ProviderSettings &s)
{
    if (s.actingOnHost || s.origin == ConfigOrigin::NotConfigured)
        return stateText(s);
    //: %1 is a state such as "Enabled"; the rest says where the values come from.
    return s.origin == ConfigOrigin::HostDefault
               ? ProviderConfigPage::tr("%1 · host default").arg(stateText(s))
               : ProviderConfigPage::tr("%1 · this tenant").arg(stateText(s));
}

} // namespace

ProviderConfigPage::ProviderConfigPage(QWidget *parent)
    : QWidget(parent)
    , m_messageStrip(new MessageStrip(this))
{
    setObjectName(QStringLiteral("providerConfigPage"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(Theme::pageStyleSheet() + QString::fromUtf8(kProvidersSheet));

    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(16);
    buildHeader(column);
    column->addWidget(m_messageStrip);
    auto *columns = new QHBoxLayout;
    columns->setSpacing(16);
    columns->addWidget(buildProviderList(), 0, Qt::AlignTop);
    auto *right = new QVBoxLayout;
    right->setSpacing(16);
    right->addWidget(buildEditor());
    m_checkPanel = new ConfigCheckPanel(this);
    right->addWidget(m_checkPanel);
    right->addStretch(1);
    columns->addLayout(right, 1);
    column->addLayout(columns, 1);

    auto *holder = new QWidget;
    holder->setLayout(column);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildScroll(holder));
    setProviders({});
}

ProviderConfigPage::~ProviderConfigPage() = default;

void ProviderConfigPage::buildHeader(QVBoxLayout *layout)
{
    auto *title = new QLabel(tr("Providers"), this);
    title->setObjectName(QStringLiteral("pageTitle"));
    title->setFont(scaledFont(title->font(), 1.75, QFont::DemiBold));
    auto *description = new QLabel(tr("Choose which social networks people can connect, with the "
                                      "app registration each network issued for EasyCRM. Client "
                                      "secrets are stored protected, like tokens, and never "
                                      "shown again."),
                                   this);
    description->setObjectName(QStringLiteral("pageDescription"));
    description->setWordWrap(true);
    auto *header = new QVBoxLayout;
    header->setSpacing(4);
    header->addWidget(title);
    header->addWidget(description);
    layout->addLayout(header);
}

// The column at the product's page width, scrolling where the window is short.
QWidget *ProviderConfigPage::buildScroll(QWidget *columnHolder)
{
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("providerConfigContent"));
    // Never squeezed below what it needs when the window is short: the page scrolls instead.
    content->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    columnHolder->setParent(content);
    columnHolder->setMaximumWidth(kMaxContentWidth);
    auto *contentLayout = new QHBoxLayout(content);
    contentLayout->setContentsMargins(32, 28, 32, 20);
    contentLayout->addWidget(columnHolder, 1);
    contentLayout->addStretch(0);
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("providerConfigScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setWidget(content);
    return m_scroll;
}

QWidget *ProviderConfigPage::buildProviderList()
{
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("providerListCard"));
    card->setProperty("card", true);
    card->setFixedWidth(kListWidth);
    //: Heading of the list of providers on the Providers page.
    auto *title = plainLabel(QStringLiteral("listTitle"), card, tr("PROVIDERS"));
    title->setFont(scaledFont(title->font(), 0.85, QFont::DemiBold));
    m_list = new QListWidget(card);
    m_list->setObjectName(QStringLiteral("providerConfigList"));
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setAccessibleName(tr("Providers"));
    connect(m_list, &QListWidget::currentRowChanged, this,
            &ProviderConfigPage::onCurrentRowChanged);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(8, 12, 8, 8);
    layout->setSpacing(6);
    title->setContentsMargins(8, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_list);
    return card;
}

QWidget *ProviderConfigPage::buildEditor()
{
    auto *card = new QFrame(this);
    card->setObjectName(QStringLiteral("providerEditor"));
    card->setProperty("card", true);
    m_editor = new QWidget(card);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignTop);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setHorizontalSpacing(14);
    form->setVerticalSpacing(10);
    addCredentialRows(form, m_editor);
    form->addRow(formLabel(tr("Scopes"), m_editor), buildScopeField(m_editor));
    form->addRow(formLabel(tr("Redirect"), m_editor), buildRedirectField(m_editor));
    form->addRow(formLabel(tr("Endpoints"), m_editor), buildEndpointSection(m_editor));
    addEndpointRows(form, m_editor);
    m_form = form;

    auto *editorLayout = new QVBoxLayout(m_editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(14);
    editorLayout->addWidget(buildEditorHeader(m_editor));
    editorLayout->addWidget(buildOriginBar(m_editor));
    editorLayout->addWidget(divider(m_editor));
    editorLayout->addLayout(form);
    editorLayout->addWidget(divider(m_editor));
    editorLayout->addWidget(buildButtons(m_editor));

    m_emptyEditor = plainLabel(QStringLiteral("hint"), card,
                               tr("No providers to configure yet: open a CRM database first."));
    m_emptyEditor->setObjectName(QStringLiteral("emptyEditorLabel"));
    m_emptyEditor->setWordWrap(true);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->addWidget(m_editor);
    layout->addWidget(m_emptyEditor);
    return card;
}

QWidget *ProviderConfigPage::buildEditorHeader(QWidget *card)
{
    auto *header = new QWidget(card);
    m_badge = badge(QString(), kEditorBadge, header);
    m_badge->setFont(scaledFont(m_badge->font(), 1.3, QFont::Bold));
    m_name = plainLabel(QStringLiteral("cardTitle"), header);
    m_name->setObjectName(QStringLiteral("editorProviderName"));
    m_name->setFont(scaledFont(m_name->font(), 1.25, QFont::DemiBold));
    m_protocol = chip(QStringLiteral("protocol"), {}, header);
    m_protocol->setObjectName(QStringLiteral("protocolChip"));
    m_state = chip(QStringLiteral("state"), {}, header);
    m_state->setObjectName(QStringLiteral("stateChip"));
    auto *names = new QHBoxLayout;
    names->setSpacing(8);
    names->addWidget(m_name);
    names->addWidget(m_protocol, 0, Qt::AlignVCenter);
    names->addStretch(1);
    auto *layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
    layout->addWidget(m_badge, 0, Qt::AlignVCenter);
    layout->addLayout(names, 1);
    layout->addWidget(m_state, 0, Qt::AlignVCenter);
    return header;
}

// Where the values come from, and the way back to the host's.
QWidget *ProviderConfigPage::buildOriginBar(QWidget *card)
{
    auto *bar = new QFrame(card);
    bar->setObjectName(QStringLiteral("originBar"));
    m_originTitle = plainLabel(QStringLiteral("originTitle"), bar);
    m_originTitle->setObjectName(QStringLiteral("originTitle"));
    m_originTitle->setFont(scaledFont(m_originTitle->font(), 1.0, QFont::DemiBold));
    m_origin = plainLabel(QStringLiteral("originText"), bar);
    m_origin->setObjectName(QStringLiteral("originText"));
    m_origin->setWordWrap(true);
    m_useHostDefault = new QPushButton(tr("Use host default"), bar);
    m_useHostDefault->setObjectName(QStringLiteral("useHostDefaultButton"));
    m_useHostDefault->setProperty("action", QStringLiteral("secondary"));
    m_useHostDefault->setToolTip(tr("Remove this tenant's own settings, so the host default "
                                    "applies again"));
    connect(m_useHostDefault, &QPushButton::clicked, this,
            &ProviderConfigPage::onUseHostDefaultClicked);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(2);
    texts->addWidget(m_originTitle);
    texts->addWidget(m_origin);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(12, 9, 10, 9);
    layout->setSpacing(12);
    layout->addLayout(texts, 1);
    layout->addWidget(m_useHostDefault, 0, Qt::AlignVCenter);
    return bar;
}

void ProviderConfigPage::addCredentialRows(QFormLayout *form, QWidget *card)
{
    m_enabled = new QCheckBox(card);
    m_enabled->setObjectName(QStringLiteral("enabledCheck"));
    m_clientId = new QLineEdit(card);
    m_clientId->setObjectName(QStringLiteral("clientIdEdit"));
    m_clientSecret = new QLineEdit(card);
    m_clientSecret->setObjectName(QStringLiteral("clientSecretEdit"));
    m_clientSecret->setEchoMode(QLineEdit::Password);
    // A secret is never offered to a password manager's autofill or the clipboard's history.
    m_clientSecret->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData |
                                        Qt::ImhNoPredictiveText);
    m_secretHint = plainLabel(QStringLiteral("hint"), card);
    m_secretHint->setObjectName(QStringLiteral("clientSecretHint"));
    m_secretHint->setWordWrap(true);
    m_inputs.insert(ProviderField::Enabled, m_enabled);

    form->addRow(formLabel(tr("Status"), card), m_enabled);
    form->addRow(formLabel(tr("Client ID"), card),
                 withError(ProviderField::ClientId, m_clientId, card));
    QWidget *secret = withError(ProviderField::ClientSecret, m_clientSecret, card);
    secret->layout()->addWidget(m_secretHint);
    form->addRow(formLabel(tr("Client secret"), card), secret);
    for (QLineEdit *edit : {m_clientId, m_clientSecret}) {
        connect(edit, &QLineEdit::returnPressed, this, &ProviderConfigPage::onSaveClicked);
        connect(edit, &QLineEdit::textEdited, this,
                [this, edit] { setFieldError(m_inputs.key(edit), {}); });
        connect(edit, &QLineEdit::textEdited, this, &ProviderConfigPage::onFormEdited);
    }
    connect(m_enabled, &QCheckBox::clicked, this, &ProviderConfigPage::onFormEdited);
}

QWidget *ProviderConfigPage::buildScopeField(QWidget *card)
{
    m_scopeHolder = new QWidget(card);
    m_scopeHolder->setObjectName(QStringLiteral("scopeList"));
    m_scopeLayout = new QVBoxLayout;
    m_scopeLayout->setContentsMargins(0, 4, 0, 0);
    m_scopeLayout->setSpacing(6);
    m_scopeHint = plainLabel(QStringLiteral("hint"), m_scopeHolder);
    m_scopeHint->setObjectName(QStringLiteral("scopeHint"));
    m_scopeHint->setWordWrap(true);
    auto *holderLayout = new QVBoxLayout(m_scopeHolder);
    holderLayout->setContentsMargins(0, 0, 0, 0);
    holderLayout->setSpacing(6);
    holderLayout->addLayout(m_scopeLayout);
    holderLayout->addWidget(m_scopeHint);
    return withError(ProviderField::Scopes, m_scopeHolder, card);
}

QWidget *ProviderConfigPage::buildRedirectField(QWidget *card)
{
    auto *field = new QWidget(card);
    m_anyPort = new QRadioButton(tr("Any loopback port"), field);
    m_anyPort->setObjectName(QStringLiteral("anyPortRadio"));
    m_fixedPort = new QRadioButton(tr("Fixed port"), field);
    m_fixedPort->setObjectName(QStringLiteral("fixedPortRadio"));
    m_portGroup = new QButtonGroup(field);
    m_portGroup->addButton(m_anyPort);
    m_portGroup->addButton(m_fixedPort);
    m_port = new QSpinBox(field);
    m_port->setObjectName(QStringLiteral("redirectPortSpin"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(QStringLiteral(" ")); // 0: no port entered yet
    m_port->setButtonSymbols(QAbstractSpinBox::NoButtons);
    m_port->setGroupSeparatorShown(false);
    m_port->setFixedWidth(96);
    takeWheelOnlyWhenFocused(m_port);
    m_port->setAccessibleName(tr("Fixed redirect port"));
    m_redirectHint = plainLabel(QStringLiteral("hint"), field);
    m_redirectHint->setObjectName(QStringLiteral("redirectHint"));
    m_redirectHint->setWordWrap(true);
    m_redirectHint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The port is asked for only where it is used.
    connect(m_fixedPort, &QRadioButton::toggled, this, [this](bool fixed) {
        m_port->setVisible(fixed);
        updateRedirectHint();
    });
    connect(m_port, &QSpinBox::valueChanged, this, [this] {
        setFieldError(ProviderField::RedirectPort, {});
        updateRedirectHint();
    });
    connect(m_portGroup, &QButtonGroup::buttonClicked, this, &ProviderConfigPage::onFormEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &ProviderConfigPage::onFormEdited);

    auto *fixedLine = new QHBoxLayout;
    fixedLine->setSpacing(10);
    fixedLine->addWidget(m_fixedPort);
    fixedLine->addWidget(m_port);
    fixedLine->addStretch(1);
    auto *layout = new QVBoxLayout(field);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_anyPort);
    layout->addLayout(fixedLine);
    layout->addWidget(m_redirectHint);
    QWidget *holder = withError(ProviderField::RedirectPort, field, card);
    m_inputs.insert(ProviderField::RedirectPort, m_port);
    return holder;
}

// Collapsed by default: most admins keep the catalogue's addresses.
QWidget *ProviderConfigPage::buildEndpointSection(QWidget *card)
{
    auto *section = new QWidget(card);
    m_endpointToggle = new QToolButton(section);
    m_endpointToggle->setObjectName(QStringLiteral("endpointToggle"));
    m_endpointToggle->setText(tr("Endpoint overrides (optional)"));
    m_endpointToggle->setCheckable(true);
    m_endpointToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_endpointToggle->setArrowType(Qt::RightArrow);
    m_endpointToggle->setCursor(Qt::PointingHandCursor);
    connect(m_endpointToggle, &QToolButton::toggled, this,
            &ProviderConfigPage::setEndpointsExpanded);
    m_endpointSummary = plainLabel(QStringLiteral("hint"), section);
    m_endpointSummary->setObjectName(QStringLiteral("endpointSummary"));
    m_endpointSummary->setWordWrap(true);
    auto *layout = new QVBoxLayout(section);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_endpointToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_endpointSummary);
    return section;
}

// Rows of the editor's own form, shown with the section: a mistake under an address wraps to
// as many lines as it needs there.
void ProviderConfigPage::addEndpointRows(QFormLayout *form, QWidget *card)
{
    addEndpointRow(form, ProviderField::AuthorizeEndpoint, tr("Authorization"), card);
    addEndpointRow(form, ProviderField::TokenEndpoint, tr("Token"), card);
    addEndpointRow(form, ProviderField::RevocationEndpoint, tr("Revocation"), card);
    addEndpointRow(form, ProviderField::ProfileEndpoint, tr("Profile"), card);
    addEndpointRow(form, ProviderField::Issuer, tr("Issuer"), card);
    auto *hint = plainLabel(QStringLiteral("hint"), card,
                            tr("Leave a field empty to use the catalogue's address shown in "
                               "grey."));
    hint->setWordWrap(true);
    form->addRow(QString(), hint);
    m_endpointRows << hint;
    for (QWidget *row : std::as_const(m_endpointRows))
        form->setRowVisible(row, false);
}

QLineEdit *ProviderConfigPage::addEndpointRow(QFormLayout *form, ProviderField field,
                                              const QString &label, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(QStringLiteral("endpointEdit_%1").arg(static_cast<int>(field)));
    edit->setAccessibleName(tr("%1 endpoint").arg(label));
    m_endpoints.insert(field, edit);
    QWidget *row = withError(field, edit, parent);
    form->addRow(formLabel(label, parent), row);
    m_endpointRows << row;
    connect(edit, &QLineEdit::textEdited, this, [this, field] {
        setFieldError(field, {});
        updateEndpointSummary();
        onFormEdited();
    });
    connect(edit, &QLineEdit::returnPressed, this, &ProviderConfigPage::onSaveClicked);
    return edit;
}

QWidget *ProviderConfigPage::buildButtons(QWidget *card)
{
    auto *row = new QWidget(card);
    m_test = new QPushButton(tr("Test configuration"), row);
    m_test->setObjectName(QStringLiteral("testConfigurationButton"));
    m_test->setProperty("action", QStringLiteral("secondary"));
    m_test->setToolTip(tr("Check that the endpoints answer and, for OpenID Connect, that the "
                          "provider's discovery document matches. Nothing secret is sent."));
    m_save = new QPushButton(tr("Save"), row);
    m_save->setObjectName(QStringLiteral("saveProviderButton"));
    m_save->setProperty("action", QStringLiteral("connect"));
    connect(m_test, &QPushButton::clicked, this, &ProviderConfigPage::onTestClicked);
    connect(m_save, &QPushButton::clicked, this, &ProviderConfigPage::onSaveClicked);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_test);
    layout->addStretch(1);
    layout->addWidget(m_save);
    return row;
}

// The input, and the line its mistake appears on.
QWidget *ProviderConfigPage::withError(ProviderField field, QWidget *input, QWidget *parent)
{
    auto *holder = new QWidget(parent);
    auto *layout = new QVBoxLayout(holder);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    input->setParent(holder);
    layout->addWidget(input);
    auto *error = plainLabel(QStringLiteral("fieldError"), holder);
    error->setObjectName(QStringLiteral("fieldError_%1").arg(static_cast<int>(field)));
    error->setWordWrap(true);
    error->hide();
    layout->addWidget(error);
    m_inputs.insert(field, input);
    m_errors.insert(field, error);
    return holder;
}

void ProviderConfigPage::setProviders(const QList<ProviderSettings> &providers)
{
    m_providers = providers;
    const bool keep = std::any_of(providers.cbegin(), providers.cend(),
                                  [this](const auto &s) { return s.providerKey == m_selectedKey; });
    if (!keep)
        m_selectedKey = providers.isEmpty() ? QString() : providers.first().providerKey;
    rebuildList();
    showSelected();
}

void ProviderConfigPage::rebuildList()
{
    const QSignalBlocker blocker(m_list);
    // The view deletes its item widgets later; unparented now, they are no longer the page's.
    for (int row = 0; row < m_list->count(); ++row) {
        if (QWidget *entry = m_list->itemWidget(m_list->item(row)))
            entry->setParent(nullptr);
    }
    m_list->clear();
    int current = -1;
    for (const ProviderSettings &settings : std::as_const(m_providers)) {
        auto *item = new QListWidgetItem(m_list);
        item->setData(Qt::UserRole, settings.providerKey);
        //: Accessible text of a provider in the list: its name and its state.
        item->setData(Qt::AccessibleTextRole,
                      tr("%1: %2").arg(settings.providerName, entryText(settings)));
        QWidget *entry = makeListEntry(settings);
        item->setSizeHint(entry->sizeHint());
        m_list->setItemWidget(item, entry);
        if (settings.providerKey == m_selectedKey)
            current = m_list->count() - 1;
    }
    m_list->setCurrentRow(current);
    // The whole list shows: the page scrolls, the list does not.
    int height = 2 * m_list->frameWidth();
    for (int row = 0; row < m_list->count(); ++row)
        height += m_list->sizeHintForRow(row) + 2;
    m_list->setFixedHeight(std::max(height, 40));
}

QWidget *ProviderConfigPage::makeListEntry(const ProviderSettings &settings)
{
    auto *entry = new QWidget;
    entry->setObjectName(QStringLiteral("providerEntry_") + settings.providerKey);
    entry->setAttribute(Qt::WA_TransparentForMouseEvents);
    QLabel *initial = badge(settings.providerKey, kEntryBadge, entry);
    initial->setText(settings.providerName.left(1).toUpper());
    auto *name = plainLabel(QStringLiteral("entryName"), entry, settings.providerName);
    name->setFont(scaledFont(name->font(), 1.0, QFont::DemiBold));
    auto *dot = plainLabel(QStringLiteral("entryDot"), entry);
    dot->setFixedSize(kDotSize, kDotSize);
    dot->setProperty("state", stateName(settings));
    auto *state = plainLabel(QStringLiteral("entryState"), entry, entryText(settings));
    state->setObjectName(QStringLiteral("entryState_") + settings.providerKey);
    state->setFont(scaledFont(state->font(), 0.9, QFont::Normal));

    auto *stateLine = new QHBoxLayout;
    stateLine->setSpacing(6);
    stateLine->addWidget(dot, 0, Qt::AlignVCenter);
    stateLine->addWidget(state, 1);
    auto *texts = new QVBoxLayout;
    texts->setSpacing(1);
    texts->addWidget(name);
    texts->addLayout(stateLine);
    auto *layout = new QHBoxLayout(entry);
    layout->setContentsMargins(8, 7, 8, 7);
    layout->setSpacing(10);
    layout->addWidget(initial, 0, Qt::AlignVCenter);
    layout->addLayout(texts, 1);
    return entry;
}

void ProviderConfigPage::selectProvider(const QString &providerKey)
{
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->data(Qt::UserRole).toString() == providerKey)
            m_list->setCurrentRow(row);
    }
}

QString ProviderConfigPage::selectedProvider() const
{
    return m_selectedKey;
}

void ProviderConfigPage::onCurrentRowChanged(int row)
{
    if (row < 0 || row >= m_providers.size())
        return;
    if (m_providers.at(row).providerKey == m_selectedKey)
        return;
    m_selectedKey = m_providers.at(row).providerKey;
    m_messageStrip->dismiss(); // the outcome shown was about another provider
    showSelected();
}

const ProviderSettings *ProviderConfigPage::selected() const
{
    for (const ProviderSettings &settings : m_providers) {
        if (settings.providerKey == m_selectedKey)
            return &settings;
    }
    return nullptr;
}

void ProviderConfigPage::showSelected()
{
    clearFieldErrors();
    m_checkPanel->reset();
    const ProviderSettings *s = selected();
    m_editor->setVisible(s != nullptr);
    m_emptyEditor->setVisible(s == nullptr);
    m_test->setEnabled(s != nullptr && m_testingKey.isEmpty());
    if (!s)
        return;
    m_badge->setStyleSheet(badgeSheet(s->providerKey, kEditorBadge));
    m_badge->setText(s->providerName.left(1).toUpper());
    m_name->setText(s->providerName);
    m_protocol->setText(s->protocol == ProviderProtocol::Oidc ? tr("OpenID Connect")
                                                              : tr("OAuth 2.0"));
    m_state->setText(stateText(*s));
    Theme::setStyleProperty(
        m_state, "kind", s->isConfigured() ? QStringLiteral("enabled") : QStringLiteral("state"));
    //: %1 is a provider name such as LinkedIn.
    m_enabled->setText(tr("Enabled: people can connect %1").arg(s->providerName));
    m_enabled->setChecked(s->enabled);
    m_clientId->setText(s->clientId);
    m_clientId->setPlaceholderText(tr("The client ID %1 issued for this app").arg(s->providerName));
    showSecretState(*s);
    showOrigin(*s);
    showScopes(*s);
    showRedirect(*s);
    showEndpoints(*s);
}

void ProviderConfigPage::showSecretState(const ProviderSettings &s)
{
    // What was typed belongs to the provider shown before; it is never carried over.
    m_clientSecret->clear();
    if (s.hasClientSecret) {
        m_clientSecret->setPlaceholderText(tr("Saved — type a new secret to replace it"));
        m_secretHint->setText(tr("A client secret is saved. It is never shown; what you type "
                                 "here replaces it when you save."));
    } else {
        m_clientSecret->setPlaceholderText(tr("Not saved"));
        m_secretHint->setText(tr("No client secret is saved. Enter the one %1 issued, unless "
                                 "the app is registered as a public client.")
                                  .arg(s.providerName));
    }
}

void ProviderConfigPage::showOrigin(const ProviderSettings &s)
{
    m_useHostDefault->setVisible(s.canUseHostDefault());
    if (s.actingOnHost) {
        const bool exists = s.origin == ConfigOrigin::HostDefault;
        m_originTitle->setText(exists ? tr("Host default") : tr("Not configured yet"));
        m_origin->setText(exists ? tr("These settings apply to every tenant that has no settings "
                                      "of its own for %1.")
                                       .arg(s.providerName)
                                 : tr("Saving creates the host default, which applies to every "
                                      "tenant without settings of its own."));
        return;
    }
    switch (s.origin) {
    case ConfigOrigin::TenantOverride:
        m_originTitle->setText(tr("This tenant's own settings"));
        m_origin->setText(s.hostDefaultExists
                              ? tr("They replace the host default for this tenant.")
                              : tr("The host has no default for %1.").arg(s.providerName));
        break;
    case ConfigOrigin::HostDefault:
        m_originTitle->setText(tr("From the host default"));
        m_origin->setText(tr("Saving creates this tenant's own settings from these values."));
        break;
    case ConfigOrigin::NotConfigured:
        m_originTitle->setText(tr("Not configured yet"));
        m_origin->setText(tr("Saving creates this tenant's own settings."));
        break;
    }
}

void ProviderConfigPage::showScopes(const ProviderSettings &s)
{
    while (QLayoutItem *item = m_scopeLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_scopeBoxes.clear();
    for (const ScopeOption &scope : s.scopes)
        m_scopeLayout->addWidget(makeScopeLine(s, scope));
    const bool anyApprovalOnly = std::any_of(s.scopes.cbegin(), s.scopes.cend(),
                                             [](const ScopeOption &o) { return o.approvalOnly; });
    m_scopeHint->setText(anyApprovalOnly
                             ? tr("Scopes marked \"Approved apps only\" are granted only to apps "
                                  "%1 has approved; for other apps connecting fails.")
                                   .arg(s.providerName)
                             : QString());
    m_scopeHint->setVisible(anyApprovalOnly);
}

// One scope: its checkbox, and chips for what is special about it.
QWidget *ProviderConfigPage::makeScopeLine(const ProviderSettings &s, const ScopeOption &scope)
{
    auto *line = new QWidget(m_scopeHolder);
    auto *box = new QCheckBox(scope.name, line);
    box->setObjectName(QStringLiteral("scopeCheck_") + scope.name);
    box->setProperty("scope", scope.name);
    // The provider's default scopes are what connecting needs; they stay on.
    box->setChecked(scope.isDefault || s.enabledScopes.contains(scope.name));
    box->setEnabled(!scope.isDefault);
    connect(box, &QCheckBox::toggled, this, [this] { setFieldError(ProviderField::Scopes, {}); });
    connect(box, &QCheckBox::clicked, this, &ProviderConfigPage::onFormEdited);
    m_scopeBoxes << box;
    auto *layout = new QHBoxLayout(line);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    layout->addWidget(box);
    if (scope.isDefault)
        layout->addWidget(chip(QStringLiteral("default"), tr("Always requested"), line));
    if (scope.approvalOnly) {
        QLabel *tag = chip(QStringLiteral("approval"), tr("Approved apps only"), line);
        tag->setToolTip(
            tr("%1 grants this scope only to apps it has approved for it.").arg(s.providerName));
        layout->addWidget(tag);
    }
    layout->addStretch(1);
    return line;
}

void ProviderConfigPage::showRedirect(const ProviderSettings &s)
{
    const bool mustBeFixed = s.portRule == RedirectPortRule::Fixed;
    m_anyPort->setEnabled(!mustBeFixed);
    const bool fixed = mustBeFixed || s.redirectPort > 0;
    m_fixedPort->setChecked(fixed);
    m_anyPort->setChecked(!fixed);
    m_port->setVisible(fixed);
    m_port->setValue(s.redirectPort);
    updateRedirectHint();
}

void ProviderConfigPage::updateRedirectHint()
{
    const ProviderSettings *s = selected();
    if (!s)
        return;
    //: %1 is the port, such as 8765; the whole text is the address to register.
    const QString uri =
        QStringLiteral("http://127.0.0.1:%1%2")
            .arg(m_port->value() > 0 ? QString::number(m_port->value()) : tr("<port>"),
                 Contract::kCallbackPath);
    if (!m_fixedPort->isChecked()) {
        m_redirectHint->setText(tr("Each sign-in listens on a free port of 127.0.0.1, which %1 "
                                   "accepts.")
                                    .arg(s->providerName));
    } else if (s->portRule == RedirectPortRule::Fixed) {
        m_redirectHint->setText(tr("%1 accepts only the redirect address registered with it: "
                                   "%2")
                                    .arg(s->providerName, uri));
    } else {
        m_redirectHint->setText(
            tr("Register this redirect address with %1: %2").arg(s->providerName, uri));
    }
}

void ProviderConfigPage::showEndpoints(const ProviderSettings &s)
{
    const ProviderEndpoints &catalogue = s.catalogueEndpoints;
    const ProviderEndpoints &overrides = s.endpointOverrides;
    const std::pair<ProviderField, std::pair<QString, QString>> values[] = {
        {ProviderField::AuthorizeEndpoint, {catalogue.authorize, overrides.authorize}},
        {ProviderField::TokenEndpoint, {catalogue.token, overrides.token}},
        {ProviderField::RevocationEndpoint, {catalogue.revocation, overrides.revocation}},
        {ProviderField::ProfileEndpoint, {catalogue.profile, overrides.profile}},
        {ProviderField::Issuer, {catalogue.issuer, overrides.issuer}}};
    for (const auto &[field, value] : values) {
        QLineEdit *edit = m_endpoints.value(field);
        edit->setPlaceholderText(value.first.isEmpty() ? tr("None") : value.first);
        edit->setText(value.second);
        edit->setToolTip(value.first);
    }
    m_endpointToggle->setChecked(false);
    setEndpointsExpanded(false);
    updateEndpointSummary();
}

void ProviderConfigPage::setEndpointsExpanded(bool expanded)
{
    if (m_endpointToggle->isChecked() != expanded)
        m_endpointToggle->setChecked(expanded); // comes back here through toggled
    m_endpointToggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
    for (QWidget *row : std::as_const(m_endpointRows))
        m_form->setRowVisible(row, expanded);
}

bool ProviderConfigPage::endpointsExpanded() const
{
    return m_endpointToggle->isChecked();
}

void ProviderConfigPage::updateEndpointSummary()
{
    // An override that repeats the catalogue's address changes nothing.
    const auto overridden =
        std::count_if(m_endpoints.cbegin(), m_endpoints.cend(), [](const QLineEdit *e) {
            const QString text = e->text().trimmed();
            return !text.isEmpty() && text != e->placeholderText();
        });
    m_endpointSummary->setText(overridden == 0 ? tr("The catalogue's addresses are used.")
                                               : tr("%n address(es) differ from the catalogue's.",
                                                    nullptr, static_cast<int>(overridden)));
}

ProviderEdit ProviderConfigPage::edit() const
{
    ProviderEdit e;
    const ProviderSettings *s = selected();
    if (!s)
        return e;
    e.providerKey = s->providerKey;
    e.shownOrigin = s->origin;
    e.shownStamp = s->concurrencyStamp;
    e.enabled = m_enabled->isChecked();
    e.clientId = m_clientId->text();
    e.clientSecret = m_clientSecret->text().toUtf8();
    for (const QCheckBox *box : m_scopeBoxes) {
        if (box->isChecked())
            e.enabledScopes << box->property("scope").toString();
    }
    e.redirectPort = m_fixedPort->isChecked() ? m_port->value() : 0;
    e.endpointOverrides = {m_endpoints.value(ProviderField::AuthorizeEndpoint)->text(),
                           m_endpoints.value(ProviderField::TokenEndpoint)->text(),
                           m_endpoints.value(ProviderField::RevocationEndpoint)->text(),
                           m_endpoints.value(ProviderField::ProfileEndpoint)->text(),
                           m_endpoints.value(ProviderField::Issuer)->text()};
    return e;
}

void ProviderConfigPage::showFieldProblems(const QList<FieldProblem> &problems)
{
    clearFieldErrors();
    for (const FieldProblem &problem : problems) {
        if (m_endpoints.contains(problem.field))
            setEndpointsExpanded(true); // a mistake is never hidden in a collapsed section
        setFieldError(problem.field, problem.message);
    }
    if (problems.isEmpty())
        return;
    m_messageStrip->dismiss();
    if (QWidget *input = m_inputs.value(problems.first().field))
        input->setFocus(Qt::OtherFocusReason);
}

QString ProviderConfigPage::fieldError(ProviderField field) const
{
    const QLabel *error = m_errors.value(field);
    return error && !error->isHidden() ? error->text() : QString();
}

void ProviderConfigPage::setFieldError(ProviderField field, const QString &text)
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

void ProviderConfigPage::clearFieldErrors()
{
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it)
        setFieldError(it.key(), {});
}

QString ProviderConfigPage::message() const
{
    return m_messageStrip->isHidden() ? QString() : m_messageStrip->text();
}

void ProviderConfigPage::showSaved(const QString &message)
{
    clearFieldErrors();
    m_messageStrip->showMessage(MessageStrip::Kind::Success, message);
}

void ProviderConfigPage::showError(const QString &message)
{
    m_messageStrip->showMessage(MessageStrip::Kind::Error, message);
}

void ProviderConfigPage::showInfo(const QString &message)
{
    m_messageStrip->showMessage(MessageStrip::Kind::Info, message);
}

bool ProviderConfigPage::isTesting() const
{
    return !m_testingKey.isEmpty();
}

QList<ConfigCheck> ProviderConfigPage::testResults() const
{
    return m_checkPanel->checks();
}

void ProviderConfigPage::showTesting()
{
    const ProviderSettings *s = selected();
    if (!s)
        return;
    m_testingKey = s->providerKey;
    m_editedWhileTesting = false;
    m_test->setEnabled(false);
    m_checkPanel->showRunning(s->providerName);
}

void ProviderConfigPage::showTestResults(const QString &providerKey,
                                         const QList<ConfigCheck> &checks)
{
    m_testingKey.clear();
    m_test->setEnabled(selected() != nullptr);
    // An answer about a provider no longer shown would be read as being about this one.
    if (providerKey != m_selectedKey)
        return;
    // Likewise one about values since edited, as being about the values now in the form.
    if (m_editedWhileTesting) {
        m_checkPanel->reset();
        return;
    }
    m_checkPanel->showChecks(checks);
    // Once the layout has placed the rows (a posted event, hence queued): bring them into view.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (m_checkPanel->isVisible())
                m_scroll->ensureWidgetVisible(m_checkPanel, 0, 16);
        },
        Qt::QueuedConnection);
}

void ProviderConfigPage::onSaveClicked()
{
    if (!selected())
        return;
    clearFieldErrors();
    emit saveRequested(edit());
}

void ProviderConfigPage::onTestClicked()
{
    if (!selected() || isTesting())
        return;
    emit testRequested(edit());
}

// Results vouch for the values that were tested: once the form differs they would be read as
// vouching for values nobody tested, so they go, and an answer still on its way is dropped.
void ProviderConfigPage::onFormEdited()
{
    m_editedWhileTesting = isTesting();
    if (!m_checkPanel->isRunning())
        m_checkPanel->reset();
}

void ProviderConfigPage::onUseHostDefaultClicked()
{
    if (const ProviderSettings *s = selected())
        emit useHostDefaultRequested(s->providerKey, s->concurrencyStamp);
}

} // namespace EasyCrm::Ui
