"""Visitors of the Shenzhen map: open the map, search, filter, open a service point.

Each simulated visitor waits 1–5 seconds between steps, as a person reading the page does.
"""

import random

from locust import HttpUser, between, task

# TLS ends at the reverse proxy in production; the load test speaks for that proxy.
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-Hans"}
SEARCHES = ["儿童之家", "福田", "futian", "心理", "特殊教育", "社工", "nanshan", "医院", "救助"]
DISTRICTS = ["440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310",
             "440311", "4403DP"]
CATEGORIES = ["children-home", "party-mass-centre", "welfare-centre", "hospital",
              "special-education-school", "social-work-site"]
NEAR = ["22.5431,114.0579", "22.5329,113.9305", "22.7196,114.2470", "22.5550,114.1200"]


class Visitor(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        self.client.headers.update(HEADERS)
        self.point_ids = []
        self.open_map()

    def _remember(self, response):
        if response.status_code == 200:
            results = response.json().get("results", [])
            self.point_ids = [r["id"] for r in results][:20] or self.point_ids

    @task(2)
    def open_map(self):
        self.client.get("/", name="/ (map page)")
        self.client.get("/api/v1/markers", name="/api/v1/markers")
        self._remember(self.client.get("/api/v1/points", name="/api/v1/points (first page)"))

    @task(4)
    def search(self):
        response = self.client.get("/api/v1/points", params={"q": random.choice(SEARCHES)},
                                   name="/api/v1/points?q=")
        self._remember(response)

    @task(3)
    def filter(self):
        params = {"district": random.choice(DISTRICTS)}
        if random.random() < 0.5:
            params["category"] = random.choice(CATEGORIES)
        self._remember(self.client.get("/api/v1/points", params=params,
                                       name="/api/v1/points?district=&category="))
        self.client.get("/api/v1/markers", params=params, name="/api/v1/markers?district=")

    @task(2)
    def near_me(self):
        response = self.client.get("/api/v1/points", params={"near": random.choice(NEAR),
                                                             "radius": "3000"},
                                   name="/api/v1/points?near=")
        self._remember(response)

    @task(3)
    def open_point(self):
        if not self.point_ids:
            return
        point = random.choice(self.point_ids)
        self.client.get(f"/points/{point}/", name="/points/{id}/")
        self.client.get(f"/api/v1/points/{point}", name="/api/v1/points/{id}")
