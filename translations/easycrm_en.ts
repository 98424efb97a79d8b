<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>EasyCrm::Models::ProviderListModel</name>
    <message numerus="yes">
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n minute ago</numerusform>
            <numerusform>%n minutes ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n hour ago</numerusform>
            <numerusform>%n hours ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n day ago</numerusform>
            <numerusform>%n days ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EasyCrm::Ui::ConfigCheckPanel</name>
    <message numerus="yes">
        <source>%n check(s) failed. Fix the settings named below and test again.</source>
        <translation>
            <numerusform>%n check failed. Fix the setting named below and test again.</numerusform>
            <numerusform>%n checks failed. Fix the settings named below and test again.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>EasyCrm::Ui::ProviderConfigPage</name>
    <message numerus="yes">
        <source>%n address(es) differ from the catalogue&apos;s.</source>
        <translation>
            <numerusform>%n address differs from the catalogue&apos;s.</numerusform>
            <numerusform>%n addresses differ from the catalogue&apos;s.</numerusform>
        </translation>
    </message>
</context>
</TS>
