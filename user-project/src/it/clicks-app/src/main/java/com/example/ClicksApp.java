package com.example;

import dev.weir.dsl.App;
import dev.weir.dsl.Table;
import dev.weir.dsl.Topic;
import dev.weir.serdes.Serdes;

/** A user's app, as the README's quick start builds one. */
public final class ClicksApp {

    public final App app = App.create("clicks");
    public final Topic<String, String> clicks = app.topic("clicks", Serdes.string(), Serdes.string());
    public final Table<String, Long> perUser = app.table("clicks-per-user", Serdes.string(), Serdes.longs(), 0L);

    public ClicksApp() {
        app.stream(clicks).count(perUser).to(app.topic("click-counts", Serdes.string(), Serdes.longs()));
    }

    public static void main(String[] args) {
        new ClicksApp().app.main(args);
    }
}
